"""How the focus moves from sentence to sentence: the meeting a sentence reports held, the meeting a
news item's first lines are about, and who chaired, spoke at or attended the meeting in focus."""

from __future__ import annotations

import re

from speechkg.graph.extract.relations.frame import CHAIR, SPEAKER, Clause, top_level
from speechkg.graph.extract.relations.patterns import GENERIC_MEETING, PERSON_FILL
from speechkg.graph.extract.tables import verbs
from speechkg.graph.model import Mention, Relation

_HELD = re.compile(rf"^[^，。；]{{0,12}}?(?:{verbs('hold', 'open', 'host')})")
#: how far after a meeting's name its verb of holding may stand (12 characters, the verb, a date cut out)
_HELD_REACH = 24
_ATTENDS = re.compile(rf"(?:同志)?{PERSON_FILL}出席(?:了)?(?:{GENERIC_MEETING}|活动)?[。，；]")
#: the first lines of a news item (headline and lead sentence) that name the meeting it is about
ITEM_LINES = 2
# a meeting still to come is not the one reported: 决定今年10月在北京召开…, 将于…举行
_TO_BE_HELD = re.compile(rf"(?:决定|将|拟|即将|定于|筹备|准备)[^，。；]{{0,12}}?(?:{verbs('hold')})$")
_HELD_JUST_BEFORE = re.compile(rf"(?:{verbs('hold')})了?$")
_ITEM_BEFORE = re.compile(rf"(?:{verbs('chair', 'hold', 'attend', 'join')})了?$")


def _held_meetings(c: Clause) -> list[Mention]:
    """The meetings this sentence reports as held (召开/举行… it, it 召开/开幕…)."""
    text = c.text
    out = []
    for mt in top_level(c.meetings):
        before = text[max(c.sent.start, mt.start - 3) : mt.start]
        if _TO_BE_HELD.search(c.gap(max(c.sent.start, mt.start - 16), mt.start)):
            continue
        if _HELD.match(c.gap(mt.end, min(c.sent.end, mt.end + _HELD_REACH))) or _HELD_JUST_BEFORE.search(before):
            out.append(mt)
    return out


def item_meeting(c: Clause) -> Mention | None:
    """The meeting a headline or lead sentence is about: one held, chaired or attended there."""
    held = _held_meetings(c)
    if held:
        return held[0]
    for mt in top_level(c.meetings):
        if _TO_BE_HELD.search(c.gap(max(c.sent.start, mt.start - 16), mt.start)):
            continue
        if _ITEM_BEFORE.search(c.gap(max(c.sent.start, mt.start - 16), mt.start)):
            return mt
    return None


def refocus(c: Clause, found: list[Relation]) -> None:
    """After a sentence: the meeting it reports held becomes the focus; who chaired, spoke at or
    attended the meeting in focus is remembered."""
    f = c.focus
    held = _held_meetings(c)
    if held and (f.held is None or held[-1].label != f.held.label):
        f.people = set()
    if held:
        f.held, f.since = held[-1], c.k
    about = c.about()
    if about is None:
        return
    for r in reversed(found):
        if r.sentence != c.sent.index:
            break
        if r.predicate in (CHAIR, SPEAKER) and r.subject.label == about.label:
            f.people.add(r.object.label)
    for p in c.of("Person"):
        if _ATTENDS.match(c.window(p.end)):
            f.people.add(p.label)
