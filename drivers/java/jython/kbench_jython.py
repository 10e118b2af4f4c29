# kbench's Jython driver (src/drivers/jython.ts): Python 2.7 syntax, run by Jython with kafka-clients and
# the java driver's classes on the classpath. Python is what runs per message (the send loop, the
# delivery callback); the spec, client settings, payload bytes (Payload.Source: copies of the arm's
# payload source file), timing (the windows of src/contract/arm.ts) and outcome are the java driver's
# own classes, so `jython` and `java` differ only by the interpreter and its crossings.
#
#   java [flags] -cp jython.jar:classes:lib/* org.python.util.jython kbench_jython.py SPEC.json
import sys

from java.lang import Long, System, Throwable
from java.lang.management import ManagementFactory
from java.util import TreeMap
from java.util.concurrent import ExecutionException
from org.apache.kafka.clients.producer import Callback, KafkaProducer, ProducerRecord
from org.apache.kafka.common.serialization import ByteArraySerializer

from dev.kbench.driver import ArmSpec, Configs, Deliveries, Meter, Outcome, Payload, Progress, Samples, Schedule


class PyCallback(Callback):
    """The delivery callback, in Python: the client calls into the interpreter once per message."""

    def __init__(self):
        self.counts = Deliveries()

    def onCompletion(self, metadata, exception):
        self.counts.onCompletion(metadata, exception)


def open_producer(config):
    return KafkaProducer(Configs.props(config), ByteArraySerializer(), ByteArraySerializer())


def producer_async(s, progress):
    config = Configs.producer(s)
    o = Outcome()
    p = open_producer(config)
    sent = 0
    try:
        source = Payload.Source.load(s.payload())
        size = s.messageSize()
        topic = s.topic()
        cb = PyCallback()
        d = cb.counts
        first = s.firstSeq()
        rate = s.settings().rate()
        warm = Schedule(rate) if rate > 0 else None  # the warm-up has a schedule of its own
        for i in xrange(s.warmup()):
            if warm is not None:
                warm.until(i)
            p.send(ProducerRecord(topic, source.make(size, first + i)), cb)
        # flush() returns once every warm-up batch is done, and a batch runs its callbacks before that.
        p.flush()
        base_delivered, base_failed, base_errors = d.delivered(), d.failed(), d.errors()
        if base_failed > 0:
            raise RuntimeError('warm-up: %d of %d deliveries failed (%s)' % (base_failed, s.warmup(), base_errors))
        first += s.warmup()
        m = Meter()
        m.start()
        t0 = System.nanoTime()
        sched = Schedule(rate) if rate > 0 else None
        for i in xrange(s.messages()):
            if sched is not None:
                sched.until(i)
                sched.handOver()
            elif i & 63 == 0 and s.timeUp(t0):
                break
            p.send(ProducerRecord(topic, source.make(size, first + i)), cb)
            sent = i + 1
            if sched is not None or i & 255 == 255:
                progress.producer(sent, d.delivered() - base_delivered, d.failed() - base_failed, False)
        p.flush()
        m.stop(o)
        o.delivered = Long(d.delivered() - base_delivered)
        o.failed = Long(d.failed() - base_failed)
        o.errors = Deliveries.minus(d.errors(), base_errors)
        progress.producer(sent, o.delivered, o.failed, True)
        if sched is not None:
            sched.report(o)
    finally:
        p.close()
    o.config = config
    o.notes.add('Python loop: send(record, Python callback) per message, then flush()')
    if s.timedNote() is not None:
        o.notes.add(s.timedNote())
    o.messages = sent
    o.bytes = sent * s.messageSize()
    return o


def producer_sync(s, progress):
    config = Configs.producer(s)
    o = Outcome()
    p = open_producer(config)
    sent = 0
    try:
        source = Payload.Source.load(s.payload())
        size = s.messageSize()
        topic = s.topic()
        first = s.firstSeq()
        rate = s.settings().rate()
        warm = Schedule(rate) if rate > 0 else None
        for i in xrange(s.warmup()):
            if warm is not None:
                warm.until(i)
            p.send(ProducerRecord(topic, source.make(size, first + i))).get()
        service = Samples()
        corrected = Samples()
        delivered = 0
        errors = TreeMap()
        first += s.warmup()
        m = Meter()
        m.start()
        t0 = System.nanoTime()
        sched = Schedule(rate) if rate > 0 else None
        for i in xrange(s.messages()):
            if sched is not None:
                sched.until(i)
            elif s.timeUp(t0):
                break
            r = ProducerRecord(topic, source.make(size, first + i))
            st = sched.handOver() if sched is not None else System.nanoTime()
            sent = i + 1
            try:
                p.send(r).get()
                end = System.nanoTime()
                service.add((end - st + 500) // 1000)
                if sched is not None:  # corrected: from the due time
                    corrected.add((end - sched.dueNs(i) + 500) // 1000)
                delivered += 1
            except ExecutionException, e:
                name = Deliveries.errorName(e)
                errors.put(name, Long((errors.get(name) or 0) + 1))
            progress.producer(sent, delivered, sent - delivered, False)
        m.stop(o)
        progress.producer(sent, delivered, sent - delivered, True)
        o.delivered = Long(delivered)
        o.failed = Long(sent - delivered)
        o.errors = errors
        if sched is not None:
            o.latencySamplesUs = corrected.toArray()
            o.serviceSamplesUs = service.toArray()
            sched.report(o)
        else:
            o.latencySamplesUs = service.toArray()
    finally:
        p.close()
    o.config = config
    o.notes.add('Python loop: send(record).get() per message; latency = send() to acknowledged future (at a rate: from the due time, service time from send())')
    if s.timedNote() is not None:
        o.notes.add(s.timedNote())
    o.messages = sent
    o.bytes = sent * s.messageSize()
    return o


def main(argv):
    s = ArmSpec.read(argv[1])
    try:
        s.checkProtocol()
        if s.throwInScenario():
            raise RuntimeError('injected fault: the driver threw')
        run = {'producer-sync': producer_sync, 'producer-async': producer_async}.get(s.scenario())
        if run is None:
            raise RuntimeError('the jython driver runs producer-sync and producer-async, not %s' % s.scenario())
        o = run(s, Progress())
    except Throwable, e:
        o = Outcome.failure('%s: %s' % (e.getClass().getSimpleName(), e.getMessage()))
    except Exception, e:
        o = Outcome.failure('%s: %s' % (type(e).__name__, e))
    o.notes.add(0, 'Jython %s on JVM %s %s; CPU from /proc/self/stat (all JVM threads) over the measured interval, start-up excluded'
                % (sys.version.split()[0], System.getProperty('java.version'), ' '.join(ManagementFactory.getRuntimeMXBean().getInputArguments())))
    rss = Meter.peakRssBytes()
    if rss > 0:
        o.rssPeakBytes = Long(rss)
    o.write(s.resultFile())
    System.exit(0)


main(sys.argv)
