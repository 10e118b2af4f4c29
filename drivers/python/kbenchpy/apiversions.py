"""Asks a broker which protocol versions it accepts (ApiVersions v0, which every Kafka since 0.10
answers, 4.x included), so that a client speaking only removed versions fails with a clear reason
instead of a timeout or a dropped connection (Kafka 4.0 removed Produce v0-2, Fetch v0-3, ... : KIP-896)."""
from __future__ import annotations

import socket
import ssl
import struct
from typing import Any, Dict, Mapping, Optional, Tuple

API_NAMES = {0: "Produce", 1: "Fetch", 2: "ListOffsets", 3: "Metadata", 8: "OffsetCommit", 9: "OffsetFetch",
             10: "FindCoordinator", 11: "JoinGroup", 12: "Heartbeat", 13: "LeaveGroup", 14: "SyncGroup", 18: "ApiVersions"}
_KEYS = {name: key for key, name in API_NAMES.items()}


def _read_exact(sock: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("the broker closed the connection during ApiVersions")
        buf += chunk
    return buf


def _tls_context(tls: Any) -> ssl.SSLContext:
    """The arm's TLS settings (connection.ssl: true, or {ca, rejectUnauthorized}) as a client context."""
    ca = tls.get("ca") if isinstance(tls, dict) else None
    ctx = ssl.create_default_context(cafile=ca) if ca else ssl.create_default_context()
    if isinstance(tls, dict) and tls.get("rejectUnauthorized") is False:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def broker_api_versions(bootstrap: str, timeout_s: float = 10.0, tls: Any = None) -> Dict[int, Tuple[int, int]]:
    """{api_key: (min, max)} as the broker at host:port advertises them (over TLS when `tls` is set;
    ApiVersions needs no SASL authentication first)."""
    host, _, port = bootstrap.rpartition(":")
    host = host.strip("[]")
    client_id = b"kbench-probe"
    body = struct.pack(">hhih", 18, 0, 1, len(client_id)) + client_id
    with socket.create_connection((host, int(port)), timeout=timeout_s) as raw:
        sock = _tls_context(tls).wrap_socket(raw, server_hostname=host) if tls not in (None, False) else raw
        sock.sendall(struct.pack(">i", len(body)) + body)
        (size,) = struct.unpack(">i", _read_exact(sock, 4))
        resp = _read_exact(sock, size)
    _corr, error, count = struct.unpack_from(">ihi", resp, 0)
    if error not in (0, 35):  # 35 = UNSUPPORTED_VERSION still carries the list
        raise ConnectionError(f"ApiVersions failed with error code {error}")
    out: Dict[int, Tuple[int, int]] = {}
    for i in range(count):
        key, lo, hi = struct.unpack_from(">hhh", resp, 10 + 6 * i)
        out[key] = (lo, hi)
    # Kafka 4.x (Fetch >= v4 only) still advertises Produce v0-v2, for old librdkafka's feature
    # detection, but closes the connection on them ("unsupported version 0", seen on 4.1.2).
    fetch, produce = out.get(1), out.get(0)
    if fetch and produce and fetch[0] >= 4 and produce[0] < 3:
        out[0] = (3, produce[1])
    return out


def removed_versions(client: str, needs: Mapping[str, int], broker: Mapping[int, Tuple[int, int]]) -> Optional[str]:
    """Why `client`, which sends at most version needs[api] of each api, cannot talk to this broker (None if it can)."""
    problems = []
    for name, newest in needs.items():
        rng = broker.get(_KEYS[name])
        if rng is None:
            problems.append(f"{name} (not offered at all)")
        elif newest < rng[0]:
            problems.append(f"{name} v{newest} or older (the broker accepts v{rng[0]}-v{rng[1]})")
    if not problems:
        return None
    return (f"{client} speaks only protocol versions this broker no longer accepts: {', '.join(problems)}. "
            "Kafka 4.0 removed them (KIP-896); run against Kafka 3.x (kbench's default 3.9.2, or --kafka-version 3.9)")
