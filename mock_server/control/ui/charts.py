"""Server-side SVG charts for the dashboard: stacked bars, lines and budget bars, drawn in Python.

Why not a charting library: the sandbox must work offline and be testable with Flask's test client, so
the charts are plain inline SVG the server writes (no script, no CDN, no build step, nothing vendored).
Three small shapes cover every chart the dashboard shows; each is an ``<svg role="img">`` whose
accessible name says what it shows and whose ``<desc>`` gives the numbers, for a screen reader and a test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

WIDTH = 480  # viewBox units; the SVG scales to its box, so text stays readable at 1024 px
HEIGHT = 150
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 36, 8, 10, 24
# Series colours: status classes keep their meaning everywhere; other series take the palette in order.
STATUS_COLOURS = {"2xx": "#1e7b34", "3xx": "#33539e", "4xx": "#c27c0e", "429": "#7b3fa0", "5xx": "#b3261e",
                  "dropped": "#5c6166"}
PALETTE = ("#0b57a4", "#c27c0e", "#1e7b34", "#7b3fa0", "#b3261e", "#00838f", "#5c6166")


@dataclass(frozen=True)
class Series:
    """One named run of values (one per x position) with its colour."""

    name: str
    values: Sequence[float]
    colour: str

    @property
    def total(self) -> float:
        """Sum of the values (the legend shows it for counts)."""
        return sum(self.values)

    @property
    def last(self) -> float:
        """The newest value (0 when there is none)."""
        return self.values[-1] if self.values else 0


@dataclass(frozen=True)
class Budget:
    """One rate-limit window as a bar: how much of the limit is used."""

    label: str
    used: int
    limit: int
    note: str = ""

    @property
    def share(self) -> float:
        """Used / limit, 0..1."""
        return min(1.0, self.used / self.limit) if self.limit else 0.0


@dataclass
class Chart:
    """A drawn chart: its id, accessible name, the numbers in words, the SVG and its legend."""

    id: str
    title: str
    summary: str
    svg: Markup
    legend: list[tuple[str, str, str]] = field(default_factory=list)  # (name, colour, value text)
    empty: bool = False


def colour_of(name: str, index: int) -> str:
    """A status class keeps its colour; anything else takes the palette in order."""
    return STATUS_COLOURS.get(name, PALETTE[index % len(PALETTE)])


def number(value: float) -> str:
    """``3`` for whole numbers, ``2.5`` otherwise."""
    return f"{value:g}"


def _open(chart_id: str, title: str, summary: str, height: int = HEIGHT) -> list[str]:
    return [f'<svg class="chart" id="{escape(chart_id)}" role="img" aria-label="{escape(title)}" '
            f'aria-describedby="{escape(chart_id)}-desc" viewBox="0 0 {WIDTH} {height}" '
            f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">',
            f"<title>{escape(title)}</title>", f'<desc id="{escape(chart_id)}-desc">{escape(summary)}</desc>']


def _scale(top: float) -> float:
    """A round axis maximum at or above ``top`` (1, 2, 5 x 10^n)."""
    if top <= 0:
        return 1.0
    step = 1.0
    while True:
        for factor in (1, 2, 5):
            if step * factor >= top:
                return step * factor
        step *= 10


def _axes(parts: list[str], top: float, first: str, last: str, height: int = HEIGHT) -> None:
    bottom = height - PAD_BOTTOM
    parts.append(f'<g class="axis" font-size="11" fill="#5c6166">'
                 f'<line x1="{PAD_LEFT}" y1="{bottom}" x2="{WIDTH - PAD_RIGHT}" y2="{bottom}" stroke="#d0d4d9"/>'
                 f'<line x1="{PAD_LEFT}" y1="{PAD_TOP}" x2="{WIDTH - PAD_RIGHT}" y2="{PAD_TOP}" '
                 f'stroke="#eef0f2"/>'
                 f'<text x="{PAD_LEFT - 4}" y="{PAD_TOP + 4}" text-anchor="end">{escape(number(top))}</text>'
                 f'<text x="{PAD_LEFT - 4}" y="{bottom}" text-anchor="end">0</text>'
                 f'<text x="{PAD_LEFT}" y="{height - 8}">{escape(first)}</text>'
                 f'<text x="{WIDTH - PAD_RIGHT}" y="{height - 8}" text-anchor="end">{escape(last)}</text></g>')


def empty(chart_id: str, title: str, summary: str) -> Chart:
    parts = _open(chart_id, title, summary, 60)
    parts.append(f'<text x="{WIDTH / 2}" y="34" text-anchor="middle" font-size="14" fill="#5c6166">'
                 f"{escape(summary)}</text></svg>")
    return Chart(chart_id, title, summary, Markup("".join(parts)), empty=True)


def stacked_bars(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series],
                 what: str = "requests") -> Chart:
    """One bar per label, its segments the series stacked bottom up (e.g. requests per status class)."""
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    grand = sum(totals)
    if not labels or grand == 0:
        return empty(chart_id, title, f"No {what} yet.")
    noun = what[:-1] if grand == 1 and what.endswith("s") else what
    summary = f"{number(grand)} {noun} from {labels[0]} to {labels[-1]}: " + ", ".join(
        f"{number(s.total)} {s.name}" for s in series) + "."
    parts = _open(chart_id, title, summary)
    top = _scale(max(totals))
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    slot = plot_w / len(labels)
    bar = min(36.0, max(2.0, slot * 0.7))  # one lone bucket stays a bar, not a wall
    for i, label in enumerate(labels):
        y = float(HEIGHT - PAD_BOTTOM)
        x = PAD_LEFT + i * slot + (slot - bar) / 2
        for s in series:
            value = s.values[i]
            if not value:
                continue
            h = plot_h * value / top
            y -= h
            parts.append(f'<rect class="bar" data-series="{escape(s.name)}" x="{x:.1f}" y="{y:.1f}" '
                         f'width="{bar:.1f}" height="{h:.1f}" fill="{s.colour}">'
                         f"<title>{escape(label)}: {number(value)} {escape(s.name)}</title></rect>")
    _axes(parts, top, labels[0], labels[-1])
    parts.append("</svg>")
    legend = [(s.name, s.colour, number(s.total)) for s in series]
    return Chart(chart_id, title, summary, Markup("".join(parts)), legend)


def lines(chart_id: str, title: str, times: Sequence[str], series: Sequence[Series], what: str) -> Chart:
    """One line per series over evenly spaced samples (oldest left); ``times`` label the ends."""
    if not times or not series:
        return empty(chart_id, title, f"No {what} sampled yet.")
    summary = f"{len(times)} samples from {times[0]} to {times[-1]}; now " + ", ".join(
        f"{s.name} {number(s.last)}" for s in series) + "."
    parts = _open(chart_id, title, summary)
    top = _scale(max(max(s.values, default=0) for s in series))
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    step = plot_w / max(1, len(times) - 1)
    for s in series:
        points = [(PAD_LEFT + i * step, HEIGHT - PAD_BOTTOM - plot_h * v / top) for i, v in enumerate(s.values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<g class="series" data-series="{escape(s.name)}">'
                     f'<polyline points="{path}" fill="none" stroke="{s.colour}" stroke-width="2"/>')
        x, y = points[-1]
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{s.colour}">'
                     f"<title>{escape(s.name)}: {number(s.last)} at {escape(times[-1])}</title></circle></g>")
    _axes(parts, top, times[0], times[-1])
    parts.append("</svg>")
    legend = [(s.name, s.colour, f"now {number(s.last)}") for s in series]
    return Chart(chart_id, title, summary, Markup("".join(parts)), legend)


def budgets(chart_id: str, title: str, rows: Sequence[Budget]) -> Chart:
    """One horizontal bar per rate-limit window: the share of its limit used now."""
    if not rows:
        return empty(chart_id, title, "No rate-limit windows.")
    summary = "; ".join(f"{b.label}: {b.used} of {b.limit}{' ' + b.note if b.note else ''}" for b in rows) + "."
    row_h = 22
    height = PAD_TOP + row_h * len(rows) + 6
    label_w = 200
    bar_w = WIDTH - label_w - 70
    parts = _open(chart_id, title, summary, height)
    for i, b in enumerate(rows):
        y = PAD_TOP + i * row_h
        colour = "#b3261e" if b.share >= 1 else "#c27c0e" if b.share >= 0.8 else "#1e7b34"
        parts.append(f'<g class="budget" data-label="{escape(b.label)}" font-size="12">'
                     f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" fill="#1d1f21">{escape(b.label)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="14" fill="#eef0f2"/>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{bar_w * b.share:.1f}" height="14" fill="{colour}"/>'
                     f'<text x="{label_w + bar_w + 6}" y="{y + 14}" fill="#1d1f21">{b.used} / {b.limit}</text>'
                     f"<title>{escape(b.label)}: {b.used} of {b.limit} {escape(b.note)}</title></g>")
    parts.append("</svg>")
    return Chart(chart_id, title, summary, Markup("".join(parts)))
