"""Posts over a corpus: each person's posts with the first and last dates the speeches state them
(`speechkg posts`), an attested tenure, not the tenure itself: a post held before the corpus
begins or stated by no speech is not seen. Read with the saved query `holders`; posts a speech
states as former (原…) attest no tenure and are left out."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from speechkg.graph.errors import InputError
from speechkg.graph.text import norm

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
