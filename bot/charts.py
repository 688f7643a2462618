"""Timeline charts: the figures each source gave over time, as a PNG (matplotlib, Agg)."""

from __future__ import annotations

import io
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from bot.domain import ClaimValue, Qualifier, format_number


@dataclass(frozen=True)
class Point:
    source: str
    at: datetime
    value: ClaimValue


MARKERS = {
    Qualifier.EXACT: "o",
    Qualifier.ABOUT: "o",
    Qualifier.AT_LEAST: "^",
    Qualifier.MORE_THAN: "^",
    Qualifier.UP_TO: "v",
    Qualifier.RANGE: "s",
}


LABELS = 36
"""Labels on one chart, shared among its sources (text is what a chart spends most on)."""


def changes(points: list[Point]) -> list[Point]:
    """One source's points (oldest first) where its value changes, and its last one."""
    out: list[Point] = []
    for p in points:
        if not out or p.value != out[-1].value:
            out.append(p)
    if points and out[-1] is not points[-1]:
        out.append(points[-1])
    return out


def _labelled(points: list[Point], budget: int) -> list[Point]:
    """At most ``budget`` changes to label, spread evenly, always the latest."""
    if len(points) <= budget:
        return points
    step = len(points) / max(1, budget - 1)
    picked = {round(i * step) for i in range(budget - 1)} | {len(points) - 1}
    return [points[i] for i in sorted(i for i in picked if i < len(points))]


def _label(value: ClaimValue) -> str:
    q = value.qualifier or Qualifier.EXACT
    return value.display().split(" ")[0] if q is Qualifier.EXACT else value.display()


def render_timeline(title: str, points: list[Point]) -> bytes:
    """A step line per source with markers and labels where its value changes;
    ▲ marks 'at least', ▼ 'up to', bars show ranges."""
    if not points:
        raise ValueError("no figures to draw")
    by_source: dict[str, list[Point]] = defaultdict(list)
    for p in sorted(points, key=lambda p: p.at):
        by_source[p.source].append(p)
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=110)
    try:
        for source, pts in sorted(by_source.items()):
            (line,) = ax.step(
                [p.at for p in pts],
                [p.value.number or 0.0 for p in pts],
                where="post",
                label=source,
                linewidth=1.8,
            )
            colour = line.get_color()
            changed = changes(pts)
            by_marker: dict[str, list[Point]] = defaultdict(list)
            for p in changed:
                by_marker[MARKERS.get(p.value.qualifier or Qualifier.EXACT, "o")].append(p)
            for marker, group in by_marker.items():
                ax.plot(
                    [p.at for p in group],
                    [p.value.number or 0.0 for p in group],
                    marker,
                    color=colour,
                    markersize=7,
                )
            ranges = [p for p in changed if p.value.qualifier is Qualifier.RANGE]
            if ranges:
                ax.vlines(
                    [p.at for p in ranges],
                    [p.value.number or 0.0 for p in ranges],
                    [p.value.number_high or p.value.number or 0.0 for p in ranges],
                    color=colour,
                    linewidth=3,
                )
            for p in _labelled(changed, max(2, LABELS // len(by_source))):
                ax.annotate(
                    _label(p.value),
                    (p.at, p.value.number or 0.0),
                    textcoords="offset points",
                    xytext=(4, 6),
                    fontsize=7,
                    color=colour,
                )
        ax.set_title(title, fontsize=11)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(round(v))))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
        top = max((p.value.number_high or p.value.number or 0.0) for p in points)
        ax.set_ylim(0, max(1.0, top * 1.15) if math.isfinite(top) else 1.0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper left")
        fig.autofmt_xdate()
        fig.subplots_adjust(left=0.09, right=0.97, top=0.92, bottom=0.16)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
    finally:
        plt.close(fig)
