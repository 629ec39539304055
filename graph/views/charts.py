"""Charts (a trend, targets) written as CSV, SVG, PNG or an offline HTML page."""

from __future__ import annotations

import contextlib
import csv
import html
import io
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from speechkg.graph.errors import OutputError
from speechkg.graph.views.trend import OUTPUTS, Trend

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _legend_labels(t: Trend) -> list[str]:
    """Each series' label, with its type when two series share a label."""
    from speechkg.graph.text import printable

    seen: dict[str, int] = {}
    for s in t.series:
        seen[s.label] = seen.get(s.label, 0) + 1
    return [printable(f"{s.label} ({s.type})" if seen[s.label] > 1 else s.label) for s in t.series]


@dataclass
class Table:
    """A chart's table: its columns, rows of cells, which columns hold numbers (right-aligned,
    never made spreadsheet-safe), a caption, and the columns' names on the page if they differ."""

    head: list[str]
    rows: list[list[object]]
    numeric: frozenset[int]
    caption: str
    shown_head: list[str] | None = None


@dataclass
class Chart:
    """What `trend`, `timeline` and `targets` write: a title, a function that draws the figure
    (matplotlib, under the CJK font settings), the table, and a note under the title."""

    title: str
    draw: Callable[[], Figure]
    table: Table
    note: str | None = None


def trend_chart(t: Trend) -> Chart:
    """A trend as a chart: one line per entity, the table of mentions per period."""
    head = ["period", "entity", "label", "type", "mentions", "speeches"] + (["per_10k"] if t.per_10k else [])
    rows = [
        [r.period, r.entity, r.label, r.type, r.mentions, r.speeches] + ([f"{r.per_10k:.4f}"] if t.per_10k else [])
        for r in t.rows
    ]
    shown = head[:-1] + ["per 10k chars"] if t.per_10k else head
    table = Table(head, rows, frozenset({4, 5, 6}), f"{t.measure} and mentioning speeches by {t.by}", shown)
    return Chart(t.title, lambda: _figure(t), table, t.note())


def to_csv(c: Chart, raw: bool = False) -> bytes:
    """The chart's table as CSV; a text cell a spreadsheet would run as a formula gets a leading '
    unless `raw` (graph.text.spreadsheet_safe)."""
    from speechkg.graph.text import spreadsheet_safe

    table = c.table
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(table.head)
    for row in table.rows:
        text = (i for i, v in enumerate(row) if isinstance(v, str) and i not in table.numeric)
        cells = list(row)
        for i in () if raw else text:
            cells[i] = spreadsheet_safe(cells[i])
        w.writerow(cells)
    return buf.getvalue().encode("utf-8")


#: CJK-capable fonts, best first; the SVG names them all (the viewer picks the first it has)
CJK_FONTS = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
    "Droid Sans Fallback",
]


def cjk_font() -> str | None:
    """The first of CJK_FONTS matplotlib finds on this system, or None."""
    from matplotlib import font_manager

    have = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in CJK_FONTS if f in have), None)


def _mpl_text(s: str) -> str:
    """Text matplotlib shows as is: `$` would start mathtext."""
    return s.replace("$", r"\$")


def _figure(t: Trend):
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(10, 5.6), dpi=100)
    ax = fig.add_subplot()
    x = list(range(len(t.periods)))
    for i, (s, label) in enumerate(zip(t.series, _legend_labels(t), strict=True)):
        ax.plot(
            x,
            t.values(s),
            marker="o" if len(x) <= 40 else None,
            markersize=3,
            linewidth=1.6,
            label=_mpl_text(label),
            gid=f"series-{i}",
        )
    step = max(1, -(-len(x) // 24))  # at most 24 period labels
    ax.set_xticks(
        x[::step],
        [t.periods[i] for i in x[::step]],
        rotation=45 if len(x) > 8 else 0,
        ha="right" if len(x) > 8 else "center",
    )
    ax.set_xlim(-0.5, len(x) - 0.5)
    ax.set_ylim(bottom=0)
    if not t.per_10k:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(t.by)
    ax.set_ylabel(t.measure)
    ax.set_title(_mpl_text(t.title))
    ax.grid(True, axis="y", alpha=0.3)
    legend = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    for i, text in enumerate(legend.get_texts()):
        text.set_gid(f"legend-{i}")
    fig.tight_layout()
    return fig


def _rc(font: str | None) -> dict:
    families = ([font] if font else []) + [f for f in CJK_FONTS if f != font] + ["sans-serif"]
    return {
        "font.family": families,
        "svg.fonttype": "none",
        "svg.hashsalt": "speechkg-trend",
        "path.simplify": False,
        "axes.unicode_minus": False,
    }


def to_svg(c: Chart) -> bytes:
    """The chart as SVG: text kept as text, in a list of CJK font families, so the labels read
    (and search) in any browser with a CJK font; the same bytes on every run."""
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context(_rc(cjk_font())), _quiet_fonts():
        c.draw().savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Title": _mpl_text(c.title)})
    return buf.getvalue()


@contextlib.contextmanager
def _quiet_fonts():
    """matplotlib logs each family of the list this system lacks, and warns of glyphs its
    fallback font lacks (only text widths in an SVG's layout: the text stays text)."""
    log = logging.getLogger("matplotlib.font_manager")
    before = log.disabled
    log.disabled = True
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Glyph .* missing from font", UserWarning)
            warnings.filterwarnings("ignore", "findfont", UserWarning)
            yield
    finally:
        log.disabled = before


_NO_FONT = (
    "no CJK font for the PNG's labels on this system (matplotlib finds none of "
    f"{', '.join(CJK_FONTS[:3])}, …; Debian: apt-get install fonts-noto-cjk); write .svg instead, "
    "which keeps the text as text"
)


def to_png(c: Chart) -> bytes:
    import matplotlib

    font = cjk_font()
    if font is None:
        raise OutputError(_NO_FONT)
    buf = io.BytesIO()
    with matplotlib.rc_context(_rc(font)), _quiet_fonts():
        c.draw().savefig(buf, format="png", dpi=120, metadata={"Software": None})
    return buf.getvalue()


_HTML = """<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: {fonts}, sans-serif; margin: 1.5em; color: #222; }}
svg {{ max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; font-size: 14px; margin-top: 1em; }}
th, td {{ border: 1px solid #ccc; padding: 2px 8px; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
caption {{ text-align: left; font-weight: bold; padding-bottom: .4em; }}
p.note {{ color: #666; }}
</style>
</head>
<body>
<h1>{title}</h1>
<figure>
{svg}
</figure>
{note}<table>
<caption>{caption}</caption>
<thead><tr>{head}</tr></thead>
<tbody>
{body}
</tbody>
</table>
</body>
</html>
"""


def to_html(c: Chart) -> bytes:
    """A page that opens offline: the SVG chart inline, the table under it, every text escaped."""
    from speechkg.graph.text import printable

    def e(s: object) -> str:
        return html.escape(printable(str(s)), quote=True)

    table = c.table
    svg = to_svg(c).decode("utf-8")
    svg = svg[svg.index("<svg") :]  # no XML declaration or DOCTYPE inside HTML
    body = [
        "<tr>"
        + "".join(f'<td class="n">{e(v)}</td>' if i in table.numeric else f"<td>{e(v)}</td>" for i, v in enumerate(row))
        + "</tr>"
        for row in table.rows
    ]
    note = c.note
    return _HTML.format(
        title=e(c.title),
        fonts=", ".join(f'"{f}"' for f in CJK_FONTS),
        svg=svg.strip(),
        note=f'<p class="note">{e(note[0].upper() + note[1:])}.</p>\n' if note else "",
        caption=e(table.caption),
        head="".join(f"<th>{e(h)}</th>" for h in table.shown_head or table.head),
        body="\n".join(body),
    ).encode("utf-8")


def render(c: Chart, path: str, raw: bool = False) -> bytes:
    """The bytes of a chart for the output `path`, by its extension (`-`: CSV;
    `raw`: its cells exact)."""
    check_output(path)
    ext = ".csv" if path == "-" else Path(path).suffix.lower()
    if ext == ".csv":
        return to_csv(c, raw)
    return {".svg": to_svg, ".png": to_png, ".html": to_html}[ext](c)


def check_output(path: str, inputs: list[str] = ()) -> None:
    """Refuse, before any work, an output whose extension is not one of OUTPUTS, a PNG when
    no CJK font is here, and any path store.check_output refuses."""
    from speechkg.graph.rdf.output import check_output as check_path

    ext = ".csv" if path == "-" else Path(path).suffix.lower()
    if ext not in OUTPUTS:
        raise OutputError(
            f"{path}: cannot tell what to write from its extension; use "
            + ", ".join(f"{k} ({v})" for k, v in OUTPUTS.items())
        )
    if ext == ".png" and cjk_font() is None:
        raise OutputError(_NO_FONT)
    check_path(path, inputs)


def write(c: Chart, path: str, inputs: list[str] = (), raw: bool = False) -> None:
    """Write a chart to `path` (atomically; `-` is standard output, as CSV;
    `raw`: CSV cells exact)."""
    from speechkg.graph.rdf.output import write_output

    write_output(path, render(c, path, raw), inputs)
