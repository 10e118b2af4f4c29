"""One module per client; each exposes `make(driver_id) -> client` (see kbenchpy.scenarios for the ports)."""
from __future__ import annotations

import importlib
from typing import Any

#: kbench driver id -> module under kbenchpy.clients (a module may serve several drivers).
MODULES = {
    "py-confluent": "confluent",
    "kafka-python": "kafka_python",
    "kafka-python-simple": "kafka_python_simple",
    "pykafka": "pykafka_client",
    "pykafka-rdkafka": "pykafka_client",
}


def load(driver_id: str) -> Any:
    name = MODULES.get(driver_id)
    if name is None:
        raise ValueError(f"unknown Python driver '{driver_id}' (known: {', '.join(MODULES)})")
    return importlib.import_module(f"kbenchpy.clients.{name}").make(driver_id)
