"""Numeric targets over a corpus: what was promised, year by year and body by body, as a table
and a chart (`speechkg targets`). The targets are read with the saved query `targets`."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from speechkg.graph.errors import InputError
from speechkg.graph.text import norm
from speechkg.graph.views.charts import Chart, Table

#: the body a chart of one year's targets draws as the line to compare against
CENTRE = ("国务院", "中央人民政府", "中华人民共和国国务院")

HEAD = [
    "year",
    "body",
    "key",
    "indicator",
    "indicator_en",
    "value",
    "upper",
    "unit",
    "qualifier",
    "words",
    "goal",
    "speech",
]


@dataclass(frozen=True)
class TargetRow:
    """One target as a speech states it; `key` and `indicator` are the standard indicator's key
    (gdp-growth) and Chinese label, or "" and the speech's words for another indicator."""

    year: int | None
    body: str
    key: str
    indicator: str
    indicator_en: str
    value: float
    upper: float | None
    unit: str
    qualifier: str
    words: str
    goal: str
    speech: str

    @property
    def series(self) -> str:
        return f"{self.body or self.speech} · {self.indicator}"

    def cells(self) -> list[object]:
        return [
            "" if self.year is None else self.year,
            self.body,
            self.key,
            self.indicator,
            self.indicator_en,
            _num(self.value),
            "" if self.upper is None else _num(self.upper),
            self.unit,
            self.qualifier,
            self.words,
            self.goal,
            self.speech,
        ]


def _num(x: float) -> str:
    return f"{x:g}"


def read(store: ox.Store, indicator: str | None = None) -> list[TargetRow]:
    """The targets of the graph, each once per speech (a report stating one target twice gives one
    row), of `indicator` when given (its key, Chinese or English label, or the words of another);
    InputError when the graph has none of it."""
    from speechkg.graph.query.guard import prologue
    from speechkg.graph.query.saved import load_saved

    out: list[TargetRow] = []
    seen: set[tuple] = set()
    for s in store.query(prologue() + load_saved("targets")):

        def v(name: str, s=s) -> str:
            term = s[name]
            return "" if term is None else term.value

        row = TargetRow(
            int(v("year")[:4]) if v("year") else None,
            v("body"),
            v("key"),
            v("indicator") or v("words"),
            v("indicator_en"),
            float(v("value")),
            float(v("upper")) if v("upper") else None,
            v("unit"),
            v("qualifier"),
            v("words"),
            v("goal"),
            v("speech"),
        )
        key = (row.year, row.body, row.indicator, row.value, row.upper, row.unit, row.qualifier, row.speech)
        if key not in seen:
            seen.add(key)
            out.append(row)
    if indicator is not None:
        want = norm(indicator).lower()
        out = [r for r in out if want in {r.key, norm(r.indicator), norm(r.indicator_en).lower(), norm(r.words)}]
        if not out:
            raise InputError(
                f"no target of the indicator {indicator!r} in the graph; "
                "`speechkg query GRAPH --saved targets` lists the targets there are"
            )
    elif not out:
        raise InputError("the graph holds no numeric target (they come from government work reports' targets)")
    return sorted(out, key=lambda r: (r.indicator_en or "~", r.indicator, r.year or 0, r.body, r.speech))


def chart(targets: list[TargetRow]) -> Chart:
    """A line chart of each body's target by year (a range as a band), or, when the targets are
    of one year, bars of the bodies' targets with the centre's as a line."""
    indicators = sorted({r.indicator for r in targets})
    what = indicators[0] if len(indicators) == 1 else f"{len(indicators)} indicators"
    years = sorted({r.year for r in targets if r.year is not None})
    if len(years) == 1:
        title = f"Targets for {years[0]}: {what}, by body"
        draw = lambda: _bars(targets, title)  # noqa: E731
    else:
        span = f"{years[0]}–{years[-1]}" if years else "undated"
        title = f"Targets by year, {span}: {what}"
        draw = lambda: _lines(targets, title)  # noqa: E731
    table = Table(HEAD, [r.cells() for r in targets], frozenset({0, 5, 6}), "targets as the speeches state them")
    return Chart(title, draw, table)


def _lines(targets: list[TargetRow], title: str):
    from matplotlib.figure import Figure

    from speechkg.graph.views.charts import _mpl_text

    fig = Figure(figsize=(10, 5.6), dpi=100)
    ax = fig.add_subplot()
    series: dict[str, list[TargetRow]] = {}
    for r in targets:
        if r.year is not None:
            series.setdefault(r.series, []).append(r)
    for i, (name, rows) in enumerate(sorted(series.items())):
        rows.sort(key=lambda r: r.year)
        xs = [r.year for r in rows]
        (line,) = ax.plot(xs, [r.value for r in rows], marker="o", markersize=4, linewidth=1.6, gid=f"series-{i}")
        line.set_label(_mpl_text(f"{name} ({rows[0].unit})" if rows[0].unit else name))
        ranged = [r for r in rows if r.upper is not None]
        if ranged:
            ax.vlines(
                [r.year for r in ranged],
                [r.value for r in ranged],
                [r.upper for r in ranged],
                colors=line.get_color(),
                linewidth=4,
                alpha=0.4,
            )
    ax.set_xlabel("year")
    ax.set_ylabel("target")
    ax.set_title(_mpl_text(title))
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def _bars(targets: list[TargetRow], title: str):
    from matplotlib.figure import Figure

    from speechkg.graph.views.charts import _mpl_text

    fig = Figure(figsize=(10, 5.6), dpi=100)
    ax = fig.add_subplot()
    centre = [r for r in targets if r.body in CENTRE]
    bars = sorted((r for r in targets if r.body not in CENTRE), key=lambda r: (-r.value, r.series))
    x = list(range(len(bars)))
    ax.bar(x, [r.value for r in bars], color="#4c78a8", gid="bars")
    ranged = [(i, r) for i, r in enumerate(bars) if r.upper is not None]
    ax.vlines(
        [i for i, _ in ranged],
        [r.value for _, r in ranged],
        [r.upper for _, r in ranged],
        colors="#f58518",
        linewidth=3,
        label="range",
    )
    for r in centre[:1]:
        ax.axhline(r.value, color="#e45756", linestyle="--", label=_mpl_text(f"{r.body}: {_num(r.value)}{r.unit}"))
    ax.set_xticks(x, [_mpl_text(_bar_label(r, bars)) for r in bars], rotation=45, ha="right")
    ax.set_ylabel(_mpl_text(bars[0].unit if bars else ""))
    ax.set_title(_mpl_text(title))
    ax.grid(True, axis="y", alpha=0.3)
    if centre or ranged:
        ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def _bar_label(r: TargetRow, bars: list[TargetRow]) -> str:
    """A bar's body, or body and indicator when the bars show several indicators."""
    return (r.body or r.speech) if len({b.indicator for b in bars}) == 1 else r.series
