"""How often entities are mentioned, period by period, over a corpus of dated speeches."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from speechkg.graph.errors import InputError
from speechkg.graph.model import PERIODS
from speechkg.graph.rdf import rows
from speechkg.graph.text import norm
from speechkg.ontology.namespace import ENTITY_TYPES

#: what `-o` may end with, and what each writes
OUTPUTS = {".csv": "a table", ".svg": "a chart", ".png": "a chart", ".html": "the chart and its table"}


#: more periods than this is a date gone wrong (year 1) or the wrong --by; refused
MAX_PERIODS = 1200


#: characters the rate is given per
PER = 10_000


_DATE = re.compile(r"(-?\d{4,})(?:-(\d\d)(?:-\d\d)?)?")


@dataclass(frozen=True)
class Series:
    """One line of the chart: an entity."""

    iri: str
    label: str
    type: str


@dataclass(frozen=True)
class Row:
    """One entity in one period. `per_10k` is mentions per 10,000 characters of the period's
    speeches (0 when the period has no text), set when the trend was asked for rates."""

    period: str
    entity: str
    label: str
    type: str
    mentions: int
    speeches: int
    per_10k: float | None = None


@dataclass
class Trend:
    by: str
    per_10k: bool
    periods: list[str]
    series: list[Series]
    rows: list[Row]
    #: dated speeches and their characters, per period
    period_speeches: dict[str, int] = field(default_factory=dict)
    period_chars: dict[str, int] = field(default_factory=dict)
    #: speeches left out: without a date, and with a date coarser than the period (a year for --by quarter)
    undated: int = 0
    coarse: int = 0
    #: with --top: the type ranked and how many of it changed (at most N; those that did not are left out)
    top: tuple[str, int] | None = None

    @property
    def speeches(self) -> int:
        return sum(self.period_speeches.values())

    def rate(self, n: int, period: str) -> float:
        """`n` mentions per PER characters of the period's speeches (0 when it has none)."""
        chars = self.period_chars.get(period, 0)
        return n * PER / chars if chars else 0.0

    def value(self, row: Row) -> float:
        """What is charted and ranked: the rate with --per-10k, else the mentions."""
        return row.per_10k if self.per_10k and row.per_10k is not None else row.mentions

    def values(self, series: Series) -> list[float]:
        by = {(r.entity, r.period): r for r in self.rows}
        return [self.value(by[series.iri, p]) for p in self.periods]

    @property
    def measure(self) -> str:
        return f"mentions per {PER:,} characters" if self.per_10k else "mentions"

    @property
    def title(self) -> str:
        span = f"{self.periods[0]} – {self.periods[-1]}" if len(self.periods) > 1 else self.periods[0]
        title = f"{self.measure.capitalize()} by {self.by}, {span} ({self.speeches:,} speeches)"
        if self.top and self.top[1]:
            title += f"; the {self.top[1]} {self.top[0]} entities that changed most"
        return title

    def note(self) -> str | None:
        """One line on the speeches left out, or None."""
        parts = []
        if self.undated:
            parts.append(f"{self.undated:,} speech(es) without a date")
        if self.coarse:
            parts.append(
                f"{self.coarse:,} dated only to the {'year' if self.by == 'quarter' else 'year or month'}"
                f" (too coarse for --by {self.by})"
            )
        if not parts:
            return None
        return f"{' and '.join(parts)} left out; give dates with `speechkg build --date` or `--dates`"


def open_graphs(files: list[str], store_dir: str | None = None) -> ox.Store:
    """Graph files loaded into an in-memory Oxigraph store, or an on-disk store opened read-only."""
    from speechkg.graph.rdf import oxstore

    if store_dir:
        if files:
            raise InputError("give graph files or --store DIR, not both")
        return oxstore.open_store(store_dir, read_only=True)
    if not files:
        raise InputError("name at least one graph file, or --store DIR")
    return oxstore.load_files(files)


def _type_name(iri: str) -> str | None:
    name = iri.rsplit("#", 1)[-1]
    return name if iri == f"https://w3id.org/speechkg#{name}" and name in ENTITY_TYPES else None


def check_type(type_: str | None) -> str | None:
    if type_ is not None and type_ not in ENTITY_TYPES:
        raise InputError(f"unknown entity type {type_!r}; use one of {', '.join(ENTITY_TYPES)}")
    return type_


def find(store: ox.Store, labels: list[str], type_: str | None = None) -> list[Series]:
    """The entities having any of `labels` (compared through norm), of `type_` when given,
    in the order of the labels; an InputError names the first label nothing has."""
    want = {norm(label) for label in labels}
    found: dict[str, set[Series]] = {}
    for row in rows.labels(store):
        key = norm(row.label)
        t = _type_name(row.type)
        if key in want and t is not None:
            found.setdefault(key, set()).add(Series(row.entity, row.pref, t))
    out: list[Series] = []
    for label in labels:
        hits = found.get(norm(label), set())
        kept = sorted((h for h in hits if type_ is None or h.type == type_), key=lambda x: (x.type, x.iri, x.label))
        if not kept:
            if hits:
                raise InputError(
                    f"no {type_} labelled {label!r} in the graph (there is a "
                    f"{', '.join(sorted({h.type for h in hits}))} of that name)"
                )
            raise InputError(
                f"no entity labelled {label!r} in the graph; "
                "try `speechkg query … --saved formulas` for the labels there are"
            )
        out += [h for h in kept if h.iri not in {o.iri for o in out}]
    return out


def period_of(date: str, by: str) -> str | None:
    """The period (2020, 2020-Q1, 2020-01) of a date's lexical form (xsd:date, gYearMonth or
    gYear, timezone or not), or None when the date is coarser than the period."""
    m = _DATE.match(date)
    if not m:
        return None
    year, month = _year(int(m.group(1))), m.group(2)
    if by == "year":
        return year
    if month is None or not 1 <= int(month) <= 12:
        return None
    return f"{year}-Q{(int(month) - 1) // 3 + 1}" if by == "quarter" else f"{year}-{month}"


def _year(n: int) -> str:
    return f"{n:04d}" if n >= 0 else f"-{-n:04d}"


def _ordinal(period: str, by: str) -> int:
    if by == "year":
        return int(period)
    year, rest = period.rsplit("-", 1)
    return int(year) * 12 + int(rest) - 1 if by == "month" else int(year) * 4 + int(rest[1:]) - 1


def _period(n: int, by: str) -> str:
    if by == "year":
        return _year(n)
    year, i = divmod(n, 12 if by == "month" else 4)
    return f"{_year(year)}-{i + 1:02d}" if by == "month" else f"{_year(year)}-Q{i + 1}"


def periods_between(first: str, last: str, by: str) -> list[str]:
    """Every period from `first` to `last`, none missing."""
    a, b = _ordinal(first, by), _ordinal(last, by)
    if b - a + 1 > MAX_PERIODS:
        raise InputError(
            f"the speeches' dates run from {first} to {last}, {b - a + 1:,} {by}s; "
            f"chart at most {MAX_PERIODS:,} (use a longer --by, or check the dates)"
        )
    return [_period(n, by) for n in range(a, b + 1)]


def trend(
    store: ox.Store,
    entities: list[str] = (),
    type_: str | None = None,
    top: int | None = None,
    by: str = "year",
    per_10k: bool = False,
) -> Trend:
    """Mentions and mentioning speeches per period of the entities labelled `entities`, and with
    `top` the `top` entities of `type_` whose value changed most between the first and the
    last period (ties by label)."""
    _check_arguments(entities, type_, top, by)
    chosen = find(store, list(entities), type_) if entities else []
    t = _periods(store, by, per_10k)
    # the counts, in one aggregate query (with --top the named entities are of the type too)
    counts: dict[str, dict[str, list[int]]] = {}
    found = (
        rows.mention_counts(store, type_)
        if top is not None
        else rows.mention_counts(store, None, [s.iri for s in chosen])
    )
    for row in found:
        p = period_of(row.date, by)
        if p is None:
            continue
        c = counts.setdefault(row.entity, {}).setdefault(p, [0, 0])
        c[0] += row.mentions
        c[1] += row.speeches
    if top is not None:
        chosen += _top(store, t, counts, {s.iri for s in chosen}, type_, top)
    t.series = chosen
    for p in t.periods:
        for s in chosen:
            m, sp = counts.get(s.iri, {}).get(p, [0, 0])
            t.rows.append(Row(p, s.iri, s.label, s.type, m, sp, t.rate(m, p) if per_10k else None))
    return t


def _check_arguments(entities: list[str], type_: str | None, top: int | None, by: str) -> None:
    if by not in PERIODS:
        raise InputError(f"unknown period {by!r}; use one of {', '.join(PERIODS)}")
    check_type(type_)
    if top is not None and (type_ is None or top < 1):
        raise InputError("--top N needs --type TYPE and N of at least 1")
    if not entities and top is None:
        raise InputError("name at least one --entity LABEL, or --type TYPE --top N")


def _periods(store: ox.Store, by: str, per_10k: bool) -> Trend:
    """A Trend with its periods, their speeches and size, and the speeches left out."""
    t = Trend(by=by, per_10k=per_10k, periods=[], series=[], rows=[])
    for row in rows.speech_dates(store):
        if row.date is None:
            t.undated += row.speeches
            continue
        p = period_of(row.date, by)
        if p is None:
            t.coarse += row.speeches
            continue
        t.period_speeches[p] = t.period_speeches.get(p, 0) + row.speeches
        t.period_chars[p] = t.period_chars.get(p, 0) + row.chars
    if not t.period_speeches:
        raise InputError(
            f"no speech in the graph has a date that gives its {by} (left out: {t.undated:,} "
            f"without a date, {t.coarse:,} too coarse); give dates with `speechkg build --date` "
            "or `--dates`"
        )
    known = sorted(t.period_speeches, key=lambda p: _ordinal(p, by))
    t.periods = periods_between(known[0], known[-1], by)
    return t


def _top(
    store: ox.Store, t: Trend, counts: dict[str, dict[str, list[int]]], named: set[str], type_: str, top: int
) -> list[Series]:
    """The `top` entities of `type_` not `named` whose value changed most between the first and
    the last period (ties by label); sets `t.top`."""
    first, last = t.periods[0], t.periods[-1]
    labels = _labels(store, [iri for iri in counts if iri not in named], type_)

    def value(iri: str, p: str) -> float:
        n = counts[iri].get(p, [0, 0])[0]
        return t.rate(n, p) if t.per_10k else n

    ranked = sorted(
        ((abs(value(iri, last) - value(iri, first)), label, iri) for iri, label in labels.items()),
        key=lambda x: (-x[0], x[1], x[2]),
    )
    moved = [Series(iri, label, type_) for change, label, iri in ranked[:top] if change > 0]
    t.top = (type_, len(moved))
    if not named and not moved:
        raise InputError(f"no {type_} changed between {first} and {last}")
    return moved


def _labels(store: ox.Store, iris: list[str], type_: str) -> dict[str, str]:
    """The preferred label of each entity of `iris` (its IRI when it has none)."""
    out = dict.fromkeys(iris, "")
    if not iris:
        return out
    for e, pref in rows.preferred_labels(store, type_):
        if e in out and (not out[e] or pref < out[e]):  # one of several, the same every time
            out[e] = pref
    return {iri: label or iri for iri, label in out.items()}
