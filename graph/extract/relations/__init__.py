"""Relations between mentions: a registry of small rules, each over one sentence.

A rule is a plain function `Clause → iterable of (subject, predicate, object)`. A `Clause`
holds one sentence's mentions, the text, and a little document state (`Focus`: the meeting
the text is reporting on, and the meeting a news item is about). `RULES` names the rules in
the order they run; `DOC_RULES` read a document's head once. Kinds of rule:

- dates: a dateline or date-first clause (“3月3日，…主持召开…会议”, “…26日在京出席…”),
  a meeting 于/on a date 召开/开幕/闭幕;
- chairs and speakers: 主持(召开) / 出席…并讲话 / 在…上的讲话 / 由…主持 / lists of speakers
  (A、B、C先后发言); a bare 主持会议 or 主持并讲话 refers to the meeting in focus; the host and
  the counterpart of a talk (会见, 同…举行会谈) and its day;
- organizers: the organ a meeting is named after, or that 召开/举行 it, or 由…主办/举办 it;
- proposals: 提出/作出/确立… after a meeting, body or person, “X提出的Y”, X关于Y的部署,
  以X同志为主要代表的中国共产党人…形成了Y;
- endorsements (…得到A批示肯定), leading bodies (A牵头…行动), members of a numbered formula.

The date, organizers and speakers found for a part of a meeting (…年会开幕式) are then its
meeting's too (`WHOLE`).
"""

from __future__ import annotations

from speechkg.graph.extract import rules as mention_rules
from speechkg.graph.extract.relations.focus import ITEM_LINES, item_meeting, refocus
from speechkg.graph.extract.relations.frame import (
    AGENTS,
    CHAIR,
    CONVENE,
    DATE,
    ENDORSED_BY,
    FOCUS_SPAN,
    LED_BY,
    MEMBER,
    OBJECT_TYPES,
    ORGANIZER,
    PREDICATES,
    PROPOSED_BY,
    REACH,
    SPEAKER,
    WHOLE,
    Clause,
    DocRule,
    Focus,
    Found,
    Index,
    Rule,
    top_level,
)
from speechkg.graph.extract.relations.meetings import (
    chair,
    chair_by,
    chair_here,
    convene,
    date_first,
    date_hold,
    dateline,
    held_on,
    hosted_by,
    named_after,
    said,
    speaker,
    speaker_here,
    speaker_list,
    talk,
    title_byline,
)
from speechkg.graph.extract.relations.proposals import (
    decision,
    endorsed_active,
    endorsed_passive,
    formula_member,
    lead,
    main_representative,
    propose,
    propose_quotation,
    proposed_de,
)
from speechkg.graph.model import Doc, Mention, Relation

#: what holds of a part of a meeting holds of the meeting: it was held that day, by those
#: organs, and who spoke at its opening spoke at it (who chaired a session need not chair it all)
_LIFTED = (DATE, ORGANIZER, SPEAKER)

#: rule name → rule, in the order they run; a relation found twice keeps the first rule's name
RULES: dict[str, Rule] = {
    "named-after": named_after,
    "date-first": date_first,
    "date-hold": date_hold,
    "held-on": held_on,
    "dateline": dateline,
    "chair": chair,
    "speaker": speaker,
    "chair-here": chair_here,
    "speaker-here": speaker_here,
    "chair-by": chair_by,
    "said": said,
    "speaker-list": speaker_list,
    "talk": talk,
    CONVENE: convene,
    "hosted-by": hosted_by,
    "formula-member": formula_member,
    "propose": propose,
    "propose-quotation": propose_quotation,
    "proposed-de": proposed_de,
    "decision": decision,
    "main-representative": main_representative,
    "endorsed-passive": endorsed_passive,
    "endorsed-active": endorsed_active,
    "lead": lead,
}

DOC_RULES: dict[str, DocRule] = {"title-byline": title_byline}


def relations(
    doc: Doc, rules: dict[str, Rule] | None = None, doc_rules: dict[str, DocRule] | None = None
) -> list[Relation]:
    """Every relation the rules find (default: `RULES`, `DOC_RULES`), sentence by sentence, each once."""
    rules = RULES if rules is None else rules
    doc_rules = DOC_RULES if doc_rules is None else doc_rules
    idx = Index(doc.mentions)
    out: list[Relation] = []
    seen: set[tuple] = set()

    def add(s: Mention, p: str, o: Mention, sentence: int, rule: str) -> None:
        key = (s.start, s.end, p, o.start, o.end)
        if key not in seen and s is not o:
            seen.add(key)
            out.append(Relation(s, p, o, sentence, rule))

    focus = Focus()
    for k, sent in enumerate(doc.sentences):
        ms = idx.within(sent.start, sent.end)
        if not ms:
            continue
        c = Clause(doc, idx, k, sent, ms, focus)
        if focus.item is None and k < ITEM_LINES:
            focus.item = item_meeting(c)
        for name, rule in rules.items():
            for s, p, o in rule(c):
                add(s, p, o, sent.index, name)
        refocus(c, out)
    for name, doc_rule in doc_rules.items():
        for s, p, o, sentence in doc_rule(doc, idx):
            add(s, p, o, sentence, name)
    for r in list(out):
        whole = _whole(r.subject, idx) if r.predicate in _LIFTED else None
        if whole is not None:
            add(whole, r.predicate, r.object, r.sentence, WHOLE)
    return out


def _whole(part: Mention, idx: Index) -> Mention | None:
    """The meeting a part of a meeting is named after (…年会 of …年会开幕式), if found."""
    if part.rule != mention_rules.MEETING_PART:
        return None
    inside = [m for m in idx.within(part.start, part.end, "Meeting") if m.start == part.start and m.end < part.end]
    return max(inside, key=lambda m: m.end, default=None)


__all__ = [
    "AGENTS",
    "CHAIR",
    "CONVENE",
    "DATE",
    "DOC_RULES",
    "ENDORSED_BY",
    "FOCUS_SPAN",
    "LED_BY",
    "MEMBER",
    "OBJECT_TYPES",
    "ORGANIZER",
    "PREDICATES",
    "PROPOSED_BY",
    "REACH",
    "RULES",
    "SPEAKER",
    "WHOLE",
    "Clause",
    "DocRule",
    "Focus",
    "Found",
    "Index",
    "Rule",
    "relations",
    "top_level",
]
