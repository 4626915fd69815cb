from __future__ import annotations

from bot.platform.ratelimit import SlidingWindow


def test_window_slides() -> None:
    now = [0.0]
    window = SlidingWindow(2, 60, clock=lambda: now[0])
    assert window.allow("a") and window.allow("a")
    assert not window.allow("a")
    assert window.allow("b")
    now[0] = 60.5
    assert window.allow("a")
