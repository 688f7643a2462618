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

from bot.claims.model import ClaimValue, Qualifier, format_number


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


def render_timeline(title: str, points: list[Point]) -> bytes:
    """A step chart per source; ▲ marks 'at least', ▼ 'up to', bars show ranges."""
    if not points:
        raise ValueError("no figures to draw")
    by_source: dict[str, list[Point]] = defaultdict(list)
    for p in sorted(points, key=lambda p: p.at):
        by_source[p.source].append(p)
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=110)
    try:
        for source, pts in sorted(by_source.items()):
            xs = [p.at for p in pts]
            ys = [p.value.number or 0.0 for p in pts]
            (line,) = ax.step(xs, ys, where="post", label=source, linewidth=1.8)
            for p, y in zip(pts, ys):
                q = p.value.qualifier or Qualifier.EXACT
                ax.plot([p.at], [y], MARKERS.get(q, "o"), color=line.get_color(), markersize=7)
                if q is Qualifier.RANGE and p.value.number_high is not None:
                    ax.vlines(p.at, y, p.value.number_high, color=line.get_color(), linewidth=3)
                ax.annotate(
                    p.value.display().split(" ")[0] if q is Qualifier.EXACT else p.value.display(),
                    (p.at, y),
                    textcoords="offset points",
                    xytext=(4, 6),
                    fontsize=7,
                    color=line.get_color(),
                )
        ax.set_title(title, fontsize=11)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(round(v))))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
        top = max((p.value.number_high or p.value.number or 0.0) for p in points)
        ax.set_ylim(0, max(1.0, top * 1.15) if math.isfinite(top) else 1.0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper left")
        fig.autofmt_xdate()
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
    finally:
        plt.close(fig)
