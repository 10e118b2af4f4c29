"""Helpers shared by the client modules (no client library imported here)."""
from __future__ import annotations

from typing import Any, Dict

from ..scenarios import Context


def no_extra_config(ctx: Context, client: str) -> None:
    if ctx.extra_config:
        raise ValueError(f"{client} takes no librdkafka-style settings: {', '.join(ctx.extra_config)}")


def recorded(kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """Client options as results data (scalars only; the password is redacted by kbench)."""
    def scalar(v: Any) -> Any:
        if v is None:
            return "none"
        if isinstance(v, (list, tuple)):
            return ",".join(map(str, v))
        return v if isinstance(v, (str, int, float, bool)) else str(v)

    return {k: scalar(v) for k, v in kwargs.items()}
