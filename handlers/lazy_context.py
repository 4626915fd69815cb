"""Give lazy listeners the runtime the global middleware gives ordinary ones.

Bolt runs a lazy listener on a copy of the request whose context keeps only deep-copyable
values, so `context["engine"]` (and the rest of the runtime) is missing there; middleware does
not run again either. `lazy(app, fn)` puts them back from `app.lockstep_runtime`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


def lazy(app: Any, fn: Callable[..., None]) -> Callable[..., None]:
    """`fn` with context['runtime'/'settings'/'engine'/'outbox'] restored (Bolt passes kwargs)."""

    @functools.wraps(fn)  # Bolt reads the wrapped signature to choose the arguments
    def run(**kwargs: Any) -> None:
        runtime = getattr(app, "lockstep_runtime", None)
        context = kwargs.get("context")
        if runtime is not None and context is not None:
            context["runtime"] = runtime
            context["settings"] = runtime.settings
            context["engine"] = runtime.engine
            context["outbox"] = runtime.outbox
        fn(**kwargs)

    return run
