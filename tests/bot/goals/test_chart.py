"""The digest chart renders a PNG, also with no updates and with more goals than panels."""

from __future__ import annotations

from datetime import date

from bot.goals.chart import MAX_PANELS, Series, render

START, END = date(2026, 1, 1), date(2026, 12, 31)


def test_renders_png_for_empty_and_many_goals() -> None:
    empty = render([Series("<!channel> nothing yet", 10, START, END, [])], date(2026, 6, 1))
    assert empty.startswith(b"\x89PNG")
    many = [
        Series(f"Goal {i}", 100, START, END, [(date(2026, 3, 1), 20.0), (date(2026, 5, 1), 45.0)])
        for i in range(MAX_PANELS + 3)
    ]
    assert render(many, date(2026, 6, 1)).startswith(b"\x89PNG")
