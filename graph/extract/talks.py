"""Talks: a leader meets (会见) or holds talks (同…举行会谈) with a counterpart, a meeting named by
the sentence that reports it.

News names a talk by its frame: 国家主席张三5日在人民大会堂会见A国总统B / 张三同A国总理B举行会谈;
the headline names it without the counterpart's name (张三会见A国总统). The talk's span runs from
the verb (会见) or the preposition (同, 与) to the end of the frame, its label puts the host before
it, and headline and report share one key (host, kind of talk, the counterpart's office) so that
they are one meeting. The counterpart is the person the frame ends with: a person found before, or
the name after the office's last title (a foreign name the name rules do not know).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from speechkg.graph.extract import rules
from speechkg.graph.extract.common import HAN
from speechkg.graph.extract.relations.patterns import TIME_OF_DAY
from speechkg.graph.extract.tables import TITLES, alternation, verbs
from speechkg.graph.model import Doc, Mention

_STOP = "，。；、：“”！？\n \u3000"
_TITLE = alternation(TITLES)
_DAY = r"(?:当地时间)?(?:[0-9０-９]{1,2}月)?(?:[0-9０-９]{1,2}|[一二三]?十?[一二三四五六七八九十])[日号]"
_WHEN = rf"(?:当地时间)?(?:{_DAY})?(?:今天|当天|当晚|昨天)?{TIME_OF_DAY}?"
# what stands between the host and the verb: a title, a day, a place, a manner (张三主席5日上午在北京以视频方式)
_HOST_TAIL = (
    rf"(?:{_TITLE})?(?:同志)?{_WHEN}\s*(?:在[^{_STOP}]{{1,16}}?)?"
    r"(?:以视频(?:连线)?方式|通过视频(?:连线)?(?:方式)?)?(?:还|也|随后|分别|先后)?"
)
# 会见(了)(来华进行国事访问的)A国总统B, the counterpart ending the clause or before 时/一行/并
_MEET = re.compile(rf"{_HOST_TAIL}(?P<verb>{verbs('meet')})了?(?P<rest>[^{_STOP}]{{2,50}}?)(?=[{_STOP}]|时|一行|并|$)")
# 同/与(来访的)A国总理B(在X)举行(了)(工作)会谈
_TALK = re.compile(
    rf"{_HOST_TAIL}(?P<verb>[同与])(?P<rest>[^{_STOP}]{{1,50}}?)(?:成功|首次|正式)?(?:在[^{_STOP}]{{1,12}}?)?"
    rf"(?P<held>举行了?)?(?P<kind>(?:工作|正式|视频|首次|小范围|大范围)?(?:{verbs('talk')}))"
)
_TITLE_ONLY = re.compile(_TITLE)
# the office's last title, then the name: 英国首席大臣兼财政大臣|奥斯本
_OFFICE_NAME = re.compile(rf"(?P<office>.*(?:{_TITLE}))(?P<name>[{HAN}·]*)")
_NAME = re.compile(rf"^(?:[{HAN}]{{2,6}}|[{HAN}]{{1,8}}(?:·[{HAN}]{{1,8}}){{1,2}})$")
# no name: a list, a courtesy, an adverb (同A总书记多次举行会晤), or a title (…驻华代表处主任)
_NOT_IN_NAME = re.compile(
    rf"[和及与等兼并时在将团]|先生|女士|夫人|嘉宾|一行|特使|顾问|助理|官员|成员|专家|阁下|殿下|领导人"
    rf"|分别|多次|共同|再次|先后|{_TITLE}"
)
# a headline's office that names a group received, not a counterpart: 会见…会议代表, 会见工商界代表
_GROUP = re.compile(r"(?:代表|委员|成员|嘉宾|学员|师生|顾问)$")


@dataclass(frozen=True)
class _Frame:
    """One talk as its sentence reports it: the host, the frame's span (from the verb), the
    counterpart's office (without 来华访问的…) and name (empty in a headline), and the talk's word
    (会见, or 会谈 / 工作会谈 after 举行)."""

    host: Mention
    start: int
    end: int
    verb: str
    office: str
    name: str
    name_start: int
    kind: str


def talks(doc: Doc, found: list[Mention]) -> list[Mention]:
    """The talks reported around the persons `found`, each a Meeting (rule `rules.TALK`), and the
    counterparts the frames name that no person rule found (rule `rules.TALK_COUNTERPART`)."""
    persons = sorted((m for m in found if m.type == "Person"), key=lambda m: m.start)
    ends = {m.end: m for m in persons}
    frames = [f for host in persons for f in _frames(doc.text, host, ends)]
    out: list[Mention] = []
    for f in frames:
        out.append(_talk(doc.text, f, _reported(f, frames)))
        if f.name and f.name_start + len(f.name) not in ends:
            end = f.name_start + len(f.name)
            out.append(Mention(f.name_start, end, f.name, "Person", f.name, rules.TALK_COUNTERPART))
    return out


def _reported(f: _Frame, frames: list[_Frame]) -> _Frame:
    """The frame whose key a headline's talk takes: the one report of the same host and kind whose
    office holds the headline's (A国国会主席 → A国国会主席兼下议院议长B), else its own."""
    if f.name:
        return f
    reports = [r for r in frames if r.name and r.host.label == f.host.label and r.kind == f.kind]
    for pick in (lambda r: f.office in r.office, lambda r: True):  # else the one report of that kind
        same = {(r.office, r.name) for r in reports if pick(r)}
        if len(same) == 1:
            return next(r for r in reports if (r.office, r.name) in same)
    return f


def _frames(text: str, host: Mention, ends: dict[int, Mention]) -> Iterator[_Frame]:
    for rx in (_MEET, _TALK):
        m = rx.match(text, host.end)
        if m is None:
            continue
        rest_start, rest_end = m.start("rest"), m.end("rest")
        split = _counterpart(text, rest_start, rest_end, ends, _headline(text, host.start, m.end()))
        if split is None:
            continue
        office, name, name_start = split
        if rx is _TALK and not m.group("held") and name:
            continue  # 同B会谈 without 举行: only a headline says so
        kind = m.group("kind") if rx is _TALK else m.group("verb")
        yield _Frame(host, m.start("verb"), m.end(), m.group("verb"), office, name, name_start, kind)


def _headline(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is the whole first line of the text (a headline), or its first
    phrase before a space (李强同A国总理会谈 两国…)."""
    return not text[:start].strip() and text[end : end + 1] in ("\n", "", " ", "\u3000")


def _counterpart(text: str, lo: int, hi: int, ends: dict[int, Mention], headline: bool) -> tuple[str, str, int] | None:
    """(office, name, name's start) of the counterpart text[lo:hi]: a person found there ends it,
    else the name after the office's last title; a headline may give the office alone."""
    p = ends.get(hi)
    if p is not None and p.start >= lo:
        return _office(text[lo : p.start]), p.text, p.start
    for e in range(hi - 1, lo, -1):  # the name before the title: 同B总统举行会谈
        p = ends.get(e)
        if p is not None and p.start >= lo and _TITLE_ONLY.fullmatch(text, e, hi):
            return text[e:hi], p.text, p.start
    m = _OFFICE_NAME.fullmatch(text, lo, hi)
    if m is None:
        return None
    name = m.group("name")
    if not name and headline and not _GROUP.search(m.group("office")):
        return _office(m.group("office")), "", hi
    if _NAME.match(name) and not _NOT_IN_NAME.search(name):
        return _office(m.group("office")), name, m.start("name")
    return None


def _office(words: str) -> str:
    """The office without what is said of the visit: 来华进行国事访问的A国总统 → A国总统."""
    return words.rsplit("的", 1)[-1]


def _talk(text: str, f: _Frame, keyed: _Frame) -> Mention:
    """The talk's mention: its span, its labels with the host before it, the key of `keyed`."""
    span = text[f.start : f.end]
    host = f.host.label
    if f.kind == f.verb:  # 会见
        label, short = f"{host}{f.verb}{f.office}{f.name}", f"{host}{f.verb}{f.office}"
    else:
        label = f"{host}{f.verb}{f.office}{f.name}举行{f.kind}"
        short = f"{host}{f.verb}{f.office}举行{f.kind}"
    return Mention(
        f.start,
        f.end,
        span,
        "Meeting",
        label,
        rules.TALK,
        key=f"{rules.TALK_KEY}{host}|{keyed.kind}|{keyed.office}",
        aliases=(short, host + span),
        canonical=True,
    )
