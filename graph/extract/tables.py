"""The pattern tables under `data/`: one table per kind of pattern, read once.

Each table is a small TSV file (`#` starts a comment); adding a title, a head noun or an
organ suffix is one line there. The extractors build their regular expressions from
these tables, so one idea lives in one place.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data")


@cache
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of `data/NAME` split at tabs, without comments and blank lines."""
    out = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(tuple(cell.strip() for cell in line.split("\t")))
    return tuple(out)


def column(name: str, where: dict[int, str] | None = None) -> tuple[str, ...]:
    """The first column of the rows whose cells equal `where` ({column: value})."""
    return tuple(r[0] for r in rows(name) if all(len(r) > i and r[i] == v for i, v in (where or {}).items()))


def alternation(words: tuple[str, ...] | list[str]) -> str:
    """A regex alternation of the words, longest first (so 副主席 wins over 主席)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def tagged(name: str, tag: str, col: int = 2) -> tuple[str, ...]:
    """The first cells of the rows of `data/NAME` that carry `tag` among the comma-separated tags
    of column `col`; ValueError when no row does (a misspelt tag)."""
    words = tuple(r[0] for r in rows(name) if len(r) > col and tag in r[col].split(","))
    if not words:
        raise ValueError(f"{name} has no tag {tag}")
    return words


# ------------------------------------------------------------------ the tables

TITLES = column("titles.tsv")
FOREIGN_TITLES = column("titles.tsv", {1: "foreign"}) + column("titles.tsv", {1: "any"})
_SURNAME_ROWS = [r[0] for r in rows("surnames.tsv")]
SURNAMES = frozenset("".join(r for r in _SURNAME_ROWS if len(r) > 2))
COMPOUND_SURNAMES = tuple(r for r in _SURNAME_ROWS if len(r) == 2)
TRANSLIT = frozenset("".join(r[0] for r in rows("translit.tsv")))
#: one-character names of countries in official usage (中美, 毛方): data/proposals.tsv, country
COUNTRY_CHARS = frozenset(tagged("proposals.tsv", "country", 1))
#: words that join two names (和, 及, 以及 …)
CONJUNCTIONS = frozenset(column("conjunctions.tsv"))


def meeting_words(tag: str) -> tuple[str, ...]:
    """The words of data/meetings.tsv that carry `tag` (named, part, generic, convened, …)."""
    return tagged("meetings.tsv", tag, 1)


def meeting_pattern(tag: str) -> str:
    """A regex alternation of the meeting words that carry `tag`, longest first (会议 before 会)."""
    return alternation(meeting_words(tag))


def verbs(*tags: str) -> str:
    """A regex alternation of the verbs of data/verbs.tsv that carry any of `tags`, longest first
    (主持召开 before 主持)."""
    return alternation([w for tag in tags for w in tagged("verbs.tsv", tag, 1)])


def bilateral(tag: str) -> str:
    """A regex alternation of the qualifiers of data/bilateral.tsv that carry `tag` (partnership,
    community): the words between a pair of short names (中俄) and the relationship's head."""
    return alternation(tagged("bilateral.tsv", tag, 1))
