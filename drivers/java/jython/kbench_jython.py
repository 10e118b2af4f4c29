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
from java.util import Arrays, TreeMap
from java.util.concurrent import ExecutionException
from org.apache.kafka.clients.producer import Callback, KafkaProducer, ProducerRecord
from org.apache.kafka.common.serialization import ByteArraySerializer
import jarray

from dev.kbench.driver import ArmSpec, Configs, Deliveries, Meter, Outcome, Payload, Progress


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
    try:
        source = Payload.Source.load(s.payload())
        size = s.messageSize()
        topic = s.topic()
        cb = PyCallback()
        d = cb.counts
        first = s.firstSeq()
        for i in xrange(s.warmup()):
            p.send(ProducerRecord(topic, source.make(size, first + i)), cb)
        # flush() returns once every warm-up batch is done, and a batch runs its callbacks before that.
        p.flush()
        base_delivered, base_failed, base_errors = d.delivered(), d.failed(), d.errors()
        if base_failed > 0:
            raise RuntimeError('warm-up: %d of %d deliveries failed (%s)' % (base_failed, s.warmup(), base_errors))
        rate = s.settings().rate()
        first += s.warmup()
        m = Meter()
        m.start()
        t0 = System.nanoTime()
        for i in xrange(s.messages()):
            if rate > 0:
                Meter.pace(t0, i, rate)
            p.send(ProducerRecord(topic, source.make(size, first + i)), cb)
            if i & 255 == 255:
                progress.report(i + 1)
        p.flush()
        m.stop(o)
        progress.finish(s.messages())
        o.delivered = Long(d.delivered() - base_delivered)
        o.failed = Long(d.failed() - base_failed)
        o.errors = Deliveries.minus(d.errors(), base_errors)
    finally:
        p.close()
    o.config = config
    o.notes.add('Python loop: send(record, Python callback) per message, then flush()')
    o.messages = s.messages()
    o.bytes = s.messages() * s.messageSize()
    return o


def producer_sync(s, progress):
    config = Configs.producer(s)
    o = Outcome()
    p = open_producer(config)
    try:
        source = Payload.Source.load(s.payload())
        size = s.messageSize()
        topic = s.topic()
        first = s.firstSeq()
        for i in xrange(s.warmup()):
            p.send(ProducerRecord(topic, source.make(size, first + i))).get()
        samples = jarray.zeros(s.messages(), 'l')
        n = 0
        delivered = 0
        errors = TreeMap()
        rate = s.settings().rate()
        first += s.warmup()
        m = Meter()
        m.start()
        t0 = System.nanoTime()
        for i in xrange(s.messages()):
            if rate > 0:
                Meter.pace(t0, i, rate)
            r = ProducerRecord(topic, source.make(size, first + i))
            st = System.nanoTime()
            try:
                p.send(r).get()
                samples[n] = max(1, (System.nanoTime() - st + 500) // 1000)
                n += 1
                delivered += 1
            except ExecutionException, e:
                name = Deliveries.errorName(e)
                errors.put(name, Long((errors.get(name) or 0) + 1))
            if i & 63 == 63:
                progress.report(i + 1)
        m.stop(o)
        progress.finish(s.messages())
        o.delivered = Long(delivered)
        o.failed = Long(s.messages() - delivered)
        o.errors = errors
        o.latencySamplesUs = Arrays.copyOf(samples, n)
    finally:
        p.close()
    o.config = config
    o.notes.add('Python loop: send(record).get() per message; latency = send() to acknowledged future')
    o.messages = s.messages()
    o.bytes = s.messages() * s.messageSize()
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
