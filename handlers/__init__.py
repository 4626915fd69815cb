"""Thin Slack listeners, one module per feature; `register_all` wires every one of them."""

from __future__ import annotations

from typing import Any

from handlers import lockstep, questions


def register_all(app: Any) -> None:
    """Register every feature's listeners on `app` (explicit: greppable, no discovery)."""
    lockstep.register(app)
    questions.register(app)
