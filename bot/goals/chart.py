"""The digest's chart: each goal's progress against its ideal straight line, as a PNG.

Rendered by the periodic task (never on a request): matplotlib with the Agg backend, no display.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib import dates as mdates  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from bot.kernel.text import truncate  # noqa: E402

MAX_PANELS = 12
COLUMNS = 3


@dataclass(frozen=True)
class Series:
    """One goal's points over its period (value after each update)."""

    name: str
    target: float
    start: date
    end: date
    points: list[tuple[date, float]]


def render(series: list[Series], today: date) -> bytes:
    """A PNG with one small panel per goal (up to MAX_PANELS) in % of target."""
    shown = series[:MAX_PANELS]
    rows = max(1, -(-len(shown) // COLUMNS))
    fig, axes = plt.subplots(rows, COLUMNS, figsize=(4 * COLUMNS, 2.6 * rows), squeeze=False)
    try:
        for index, ax in enumerate(axes.flat):
            if index < len(shown):
                _panel(ax, shown[index], today)
            else:
                ax.axis("off")
        title = "Shared goals: progress vs. ideal pace"
        if len(series) > len(shown):
            title += f" ({len(shown)} of {len(series)} goals)"
        fig.suptitle(title)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=80)
        return buffer.getvalue()
    finally:
        plt.close(fig)


def _panel(ax: Axes, s: Series, today: date) -> None:
    pct = 100.0 / s.target if s.target > 0 else 0.0
    days = [s.start] + [d for d, _ in s.points] + [min(today, s.end)]
    values = [0.0] + [v * pct for _, v in s.points]
    values.append(values[-1])
    ax.step(mdates.date2num(days), values, where="post", label="actual")
    ax.plot(mdates.date2num([s.start, s.end]), [0, 100], linestyle="--", label="ideal")
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %d"))
    ax.set_title(truncate(s.name, 40), fontsize=9)
    ax.set_ylabel("% of target", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7, loc="upper left")
