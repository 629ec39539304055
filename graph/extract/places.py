"""The place a speech is about, for its relative organs (省委, 市人民政府, 自治区党委): an organ's
identity includes its place, so 省委 in a Hubei report is 中共湖北省委 and never Henan's.

A speech's place at a level (省, 市, 自治区) is known when the speech says it: a work report's
header (在广东省第十四届人民代表大会…) or opening (我代表海南省人民政府), or organs of one
provincial-level division of that level named in full (湖北省委, 湖北省人民政府) and of no other. A
speech naming organs of two provinces leaves its relative forms unresolved: they could be either."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from speechkg.graph.extract.tables import alternation, rows
from speechkg.graph.model import Mention

#: the levels of provincial-level divisions a relative organ starts with, longest first
LEVELS = ("自治区", "省", "市")


@cache
def full_names() -> dict[str, str]:
    """A provincial-level division's name in running text or in full → its full name."""
    out = {}
    for r in rows("places.tsv"):
        out[r[0]] = out[r[1]] = r[1]
    return out


def level_of(full: str) -> str | None:
    """省, 市 or 自治区: the level a full name ends with (None for 特别行政区)."""
    return next((lv for lv in LEVELS if full.endswith(lv)), None)


@cache
def _prefix() -> re.Pattern[str]:
    """A Body's label starting with a division's name: 中共湖北省委, 湖北省人民政府, 北京市委."""
    fulls = alternation(sorted(set(full_names().values())))
    shorts = alternation([r[0] for r in rows("places.tsv")])
    return re.compile(rf"^(?:中共)?(?:(?P<full>{fulls})|(?P<short>{shorts})(?=[省市县区自]))")


def split_place(label: str) -> tuple[str | None, str]:
    """(the full name of the division a Body's label starts with or None, the rest as a relative
    form): 中共湖北省委 → (湖北省, 省委); 湖北省人民政府 → (湖北省, 省人民政府); 国务院 → (None, 国务院)."""
    m = _prefix().match(label)
    if m is None:
        return None, label
    full = full_names()[m["full"] or m["short"]]
    rest = label[m.end() :]
    level = level_of(full)
    if level and not rest.startswith(level) and m["full"]:
        rest = level + rest  # 湖北省委 read as 湖北省 + 委: the relative form is 省委
    return full, rest


def relative_level(label: str) -> str | None:
    """The level of a relative organ (省委 → 省, 中共市委 → 市, 自治区党委 → 自治区), else None."""
    rest = label.removeprefix("中共")
    return next((lv for lv in LEVELS if rest.startswith(lv) and len(rest) > len(lv)), None)


@cache
def _header() -> re.Pattern[str]:
    names = alternation(list(full_names()))
    return re.compile(
        rf"在(?P<a>{names})第[一二三四五六七八九十]+届\s*人民代表大会|我代表(?P<b>{names})[省市]?(?:自治区)?人民政府"
    )


def speech_places(text: str, bodies: Iterable[Mention]) -> dict[str, str]:
    """The speech's division at each level it says (level → full name): from a work report's
    header or opening, else the one division of that level whose organs the speech names in
    full (none when it names two)."""
    places: dict[str, str] = {}
    m = _header().search(text)
    if m:
        full = full_names()[m["a"] or m["b"]]
        places[level_of(full) or ""] = full
    named: dict[str, set[str]] = {}
    for b in bodies:
        full, _ = split_place(b.label)
        if full and level_of(full):
            named.setdefault(level_of(full), set()).add(full)
    for level, fulls in named.items():
        if level not in places and len(fulls) == 1:
            places[level] = next(iter(fulls))
    places.pop("", None)
    return places


def full_form(place: str, relative: str) -> str:
    """The full name of a relative organ in a division: (广东省, 省人民政府) → 广东省人民政府,
    (湖北省, 省委) → 中共湖北省委 (a party committee is named with 中共)."""
    level = level_of(place) or ""
    rest = relative.removeprefix("中共")
    name = place + rest[len(level) :] if rest.startswith(level) else place + rest
    return "中共" + name if rest.endswith("委") and not rest.endswith(("党委", "纪委", "政法委")) else name
