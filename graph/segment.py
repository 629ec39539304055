"""Sections (一、… / （一）…) and sentences, with half-open offsets into the text."""

from __future__ import annotations

import re
from bisect import bisect_right

from speechkg.graph.model import Doc, Section, Sentence

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_number(s: str) -> int | None:
    """Chinese numerals up to the thousands (十一 → 11, 二十 → 20, 一百零五 → 105); digits pass."""
    if s.isdigit():
        return int(s)
    if s and all(c in CN_DIGITS for c in s) and len(s) > 1:  # 二〇二二 → 2022
        return int("".join(str(CN_DIGITS[c]) for c in s))
    total, current = 0, 0
    units = {"十": 10, "百": 100, "千": 1000}
    for ch in s:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        elif ch in units:
            total += (current or 1) * units[ch]
            current = 0
        else:
            return None
    return total + current if s else None


_H1 = re.compile(r"^[ \t\u3000]*([一二三四五六七八九十]{1,3})、([^\n]*)$", re.M)
_H2 = re.compile(r"^[ \t\u3000]*[（(]([一二三四五六七八九十]{1,3})[）)]([^。\n]*)", re.M)
_SENT_END = "。！？；!?;"
_CLOSERS = "”’」』）)\"'"
_SPACE = " \t\u3000\n"


def sections(text: str) -> list[Section]:
    """Headings at level 1 (`一、`) and 2 (`（一）`); each section runs to the next heading
    of the same or a higher level."""
    heads = []
    for level, rx in ((1, _H1), (2, _H2)):
        for m in rx.finditer(text):
            hs = m.start(1) - (1 if level == 2 else 0)
            he = m.end(2)
            heading = text[hs:he].strip()
            heads.append((hs, level, cn_number(m.group(1)) or 0, heading, he))
    heads.sort()
    out: list[Section] = []
    parents: dict[int, int] = {}
    for i, (start, level, ordinal, heading, _hend) in enumerate(heads):
        end = len(text)
        for later in heads[i + 1 :]:
            if later[1] <= level:
                end = later[0]
                break
        parent = parents.get(level - 1) if level > 1 else None
        out.append(
            Section(
                index=i,
                level=level,
                ordinal=ordinal,
                heading=heading,
                start=start,
                end=end,
                heading_start=start,
                heading_end=start + len(heading),
                parent=parent,
            )
        )
        parents[level] = i
        for deeper in [lv for lv in parents if lv > level]:
            del parents[deeper]
    return out


def sentences(text: str, secs: list[Section] | None = None) -> list[Sentence]:
    """Sentences ending at 。！？； or a line break, closing quotes kept with them."""
    secs = secs or []
    starts = [s.start for s in secs]
    out: list[Sentence] = []
    n = len(text)
    i = 0
    while i < n:
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            break
        j = i
        while j < n and text[j] not in _SENT_END and text[j] != "\n":
            j += 1
        if j < n and text[j] in _SENT_END:
            j += 1
            while j < n and text[j] in _CLOSERS:
                j += 1
        end = j
        while end > i and text[end - 1] in _SPACE:
            end -= 1
        if end > i:
            out.append(
                Sentence(index=len(out), start=i, end=end, text=text[i:end], section=_innermost(secs, i, starts))
            )
        i = j
    return out


def _innermost(secs: list[Section], offset: int, starts: list[int]) -> int | None:
    """The deepest section containing `offset`: the last heading before it whose section
    still runs, walking up through parents (sections are sorted by start)."""
    i = bisect_right(starts, offset) - 1
    while i is not None and i >= 0:
        s = secs[i]
        if s.start <= offset < s.end:
            return s.index
        i = s.parent
    return None


def segment(doc: Doc) -> Doc:
    """Fill `doc.sections` and `doc.sentences`."""
    doc.sections = sections(doc.text)
    doc.sentences = sentences(doc.text, doc.sections)
    return doc
