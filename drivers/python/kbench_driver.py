"""kbench's Python driver program (the external-driver protocol of src/drivers/external.ts).

  python kbench_driver.py run SPEC.json     runs one arm; writes a ScenarioOutcome JSON to spec["resultFile"]
  python kbench_driver.py describe DRIVER   prints {"version", "librdkafka"?, "notes"?} or {"error"} as JSON
  python kbench_driver.py vectors           reads {"cases": [{"source": FILE, "stride": N, "checksums": [[size, firstSeq, count]...],
                                            "payloads": [[size, seq(, sendUs)]...]}...]} on stdin and prints
                                            {"cases": [{"checksums": [{"hex", "bytes"}...], "payloads": [hex...]}...]}:
                                            the cross-language tests of src/verify/payload.ts

The client library is imported only by `run` and `describe`; `vectors` needs nothing but the standard library.
"""
from __future__ import annotations

import json
import os
import sys
import threading
import time
import traceback
from typing import Any, Dict, NoReturn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kbenchpy.payload import Payloads, Source, expected_checksum  # noqa: E402

#: The arm protocol this program speaks (src/contract/arm.ts ARM_PROTOCOL).
PROTOCOL = 2


def failed(error: str, config: Dict[str, Any] | None = None) -> Dict[str, Any]:
    now = time.time_ns() // 1000
    return {"ok": False, "error": error, "messages": 0, "bytes": 0, "elapsedNs": 0, "startUs": now, "endUs": now,
            "config": config or {}, "notes": []}


def write_result(path: str, outcome: Dict[str, Any]) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        json.dump(outcome, f)
    os.replace(tmp, path)  # the parent never reads half a file


def finish(code: int) -> NoReturn:
    # Leave at once: some clients keep non-daemon threads or atexit hooks that could hold the process.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def start_watchdog(spec: Dict[str, Any]) -> None:
    """Writes a failed outcome saying what the arm was doing shortly before the parent's timeout."""
    from kbenchpy.scenarios import Status

    timeout_s = spec["timeoutMs"] / 1000
    after = max(1.0, timeout_s - max(3.0, 0.05 * timeout_s))

    def fire() -> None:
        write_result(spec["resultFile"], failed(f"no result after {after:.0f} s (while {Status.phase})"))
        finish(3)

    t = threading.Timer(after, fire)
    t.daemon = True
    t.start()


def context(spec: Dict[str, Any]) -> Any:
    from kbenchpy.scenarios import Context

    raw = os.environ.get("KBENCH_LIBRDKAFKA_CONFIG")
    return Context(
        spec=spec, brokers=list(spec["connection"]["brokers"]), topic=spec["topic"], partitions=spec["partitions"],
        read_partitions=list(spec.get("readPartitions") or range(spec["partitions"])), size=spec["messageSize"],
        settings=spec["settings"], client_id=spec["clientId"], group_id=spec["groupId"], extra_config=spec.get("extraConfig") or {},
        connection=spec["connection"], timeout_s=spec["timeoutMs"] / 1000, source=Source.load(spec["payload"]),
        warmup_topic=spec.get("warmupTopic") or None, librdkafka=json.loads(raw) if raw else {})


def check_protocol(client: Any, scenario: str, brokers: list, tls: Any = None) -> None:
    """Fails early and clearly when the client only speaks protocol versions the broker has removed."""
    needs = client.needs.get(scenario)
    if not needs:
        return
    from kbenchpy.apiversions import broker_api_versions, removed_versions

    why = removed_versions(client.name, needs, broker_api_versions(brokers[0], tls=tls))
    if why:
        raise RuntimeError(why)


def run(spec_file: str) -> NoReturn:
    with open(spec_file) as f:
        spec = json.load(f)
    start_watchdog(spec)
    try:
        from kbenchpy.clients import load
        from kbenchpy.clients.common import recorded
        from kbenchpy.scenarios import SCENARIOS, Progress

        if spec.get("protocol") != PROTOCOL:
            raise ValueError(f"unsupported kbench arm protocol {spec.get('protocol')!r}: this driver speaks protocol {PROTOCOL}")
        if (spec.get("faults") or {}).get("throwIn") == "scenario":
            raise RuntimeError("injected fault: the driver threw")
        scenario = spec["scenario"]
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario '{scenario}'")
        client = load(spec["driver"])
        check_protocol(client, scenario, spec["connection"]["brokers"], tls=spec["connection"].get("ssl"))
        outcome = SCENARIOS[scenario](client, context(spec), Progress())
        outcome["config"] = recorded(outcome["config"])  # results hold scalars only
    except BaseException as err:  # every failure becomes an outcome the parent can show
        traceback.print_exc(file=sys.stderr)
        outcome = failed(f"{type(err).__name__}: {err}")
    write_result(spec["resultFile"], outcome)
    finish(0)


def describe(driver_id: str) -> NoReturn:
    try:
        from kbenchpy.clients import load

        out: Dict[str, Any] = load(driver_id).describe()
    except BaseException as err:
        out = {"error": f"{type(err).__name__}: {err}"}
    out["python"] = sys.version.split()[0]
    print(json.dumps(out))
    finish(0)


def vectors() -> NoReturn:
    req = json.load(sys.stdin)
    out = []
    for case in req.get("cases", []):
        with open(case["source"], "rb") as f:
            source = Source(f.read(), int(case["stride"]))
        sums = [expected_checksum(size, first, count, source) for size, first, count in case.get("checksums", [])]
        payloads = []
        for v in case.get("payloads", []):  # [size, seq] or [size, seq, sendUs]
            p = Payloads(v[0], source)
            payloads.append((p.make_timed(v[1], v[2]) if len(v) > 2 else p.make(v[1])).hex())
        batches = []
        for size, first, count in case.get("batches", []):  # the batch builder, joined
            batches.append(b"".join(Payloads(size, source).batch(first, count)).hex())
        out.append({"checksums": [{"hex": s.hex(), "bytes": s.bytes} for s in sums], "payloads": payloads, "batches": batches})
    print(json.dumps({"cases": out}))
    finish(0)


def main(argv: list) -> NoReturn:
    if len(argv) == 3 and argv[1] == "run":
        run(argv[2])
    if len(argv) == 3 and argv[1] == "describe":
        describe(argv[2])
    if len(argv) == 2 and argv[1] == "vectors":
        vectors()
    sys.stderr.write(__doc__ or "")
    finish(2)


if __name__ == "__main__":
    main(sys.argv)
