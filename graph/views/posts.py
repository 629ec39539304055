"""Posts over a corpus: each person's posts with the first and last dates the speeches state them
(`speechkg posts`; a Gantt of them: `chart`), an attested tenure, not the tenure itself: a post
held before the corpus begins or stated by no speech is not seen. Read with the saved query `holders`; posts a speech
states as former (原…) attest no tenure and are left out."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import pyoxigraph as ox

from speechkg.graph.errors import InputError
from speechkg.graph.text import norm
from speechkg.graph.views.charts import Chart, Table

HEAD = ["person", "role", "role_en", "body", "first", "last", "statements"]


@dataclass(frozen=True)
class PostRow:
    """One person's post of one body: the first and last dates stated (ISO, or a year), and the
    number of statements."""

    person: str
    role: str
    role_en: str
    body: str
    first: str
    last: str
    statements: int

    def cells(self) -> list[object]:
        return [self.person, self.role, self.role_en, self.body, self.first, self.last, self.statements]


def read(store: ox.Store, person: str | None = None) -> list[PostRow]:
    """The posts of the graph by person, of `person` only when given (the label the graph gives
    the person); InputError when the graph states no post (of that person)."""
    from speechkg.graph.query.guard import prologue
    from speechkg.graph.query.saved import load_saved

    out = [
        PostRow(
            s["person"].value,
            s["role"].value,
            s["role_en"].value,
            s["body"].value,
            s["first"].value,
            s["last"].value,
            int(s["statements"].value),
        )
        for s in store.query(prologue() + load_saved("holders"))
    ]
    if not out:
        raise InputError("the graph states no post of a person (built before posts were read? build it again)")
    if person is not None:
        want = norm(person)
        out = [r for r in out if norm(r.person) == want]
        if not out:
            raise InputError(
                f"the graph states no post of {person!r}; "
                "`speechkg query GRAPH --saved holders` lists the posts there are"
            )
    return sorted(out, key=lambda r: (r.person, r.first, r.body, r.role))


def _day(value: str, end: bool) -> _dt.date:
    """A stated date (ISO, or a year: its first or, at an end, its last day)."""
    if len(value) == 4:
        return _dt.date(int(value), 12, 31) if end else _dt.date(int(value), 1, 1)
    return _dt.date.fromisoformat(value[:10])


#: the width of a post attested on one day only, so that its bar shows
_ONE_DAY = 10


def chart(posts: list[PostRow]) -> Chart:
    """A Gantt of attested tenure: one bar per person's post, from its first to its last stated
    date; the table is the rows `speechkg posts` lists."""
    persons = sorted({r.person for r in posts})
    who = persons[0] if len(persons) == 1 else f"{len(persons)} persons"
    title = f"Posts as the speeches attest them: {who}"
    table = Table(HEAD, [r.cells() for r in posts], frozenset({6}), "posts and the first and last dates stated")
    return Chart(title, lambda: _gantt(posts, title), table)


def _gantt(posts: list[PostRow], title: str):
    from matplotlib.dates import date2num
    from matplotlib.figure import Figure

    from speechkg.graph.views.charts import _mpl_text

    fig = Figure(figsize=(10, max(2.4, 0.9 + 0.32 * len(posts))), dpi=100)
    ax = fig.add_subplot()
    rows = list(reversed(posts))  # the first row at the top
    starts = [date2num(_day(r.first, end=False)) for r in rows]
    widths = [max(_ONE_DAY, date2num(_day(r.last, end=True)) - s) for r, s in zip(rows, starts, strict=True)]
    ax.barh(range(len(rows)), widths, left=starts, height=0.6, color="#4c78a8", gid="posts")
    ax.set_yticks(range(len(rows)), [_mpl_text(f"{r.person} · {r.body}{r.role}") for r in rows])
    ax.xaxis_date()
    ax.set_title(_mpl_text(title))
    ax.grid(True, axis="x", alpha=0.3)
    fig.tight_layout()
    return fig
