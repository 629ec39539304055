"""States as actors in the prose of foreign relations: 中国 and 中方, a partner state and its 方.

News of talks and visits names the states as the parties that act (中方愿同毛方…, 中国是…朋友),
and the annotation counts them as Bodies, each side's 方 an alias of its state (中方 = 中国,
毛方 = 毛里塔尼亚). A text is such prose when it speaks of 中方 or of 两国; there:

- every 中国 that is a word of its own, not the start of a formulation (中国特色社会主义, 中国梦,
  中国式现代化), and every 中方 is the Body 中国;
- a side X方, X one character of a country's name (data/proposals.tsv, country), is the state
  the text names whose name starts with X (毛方 → 毛里塔尼亚), when it names exactly one.

Elsewhere (a work report's 中国 of 中国式现代化, 建设中国) a state is no mention of its own.
"""

from __future__ import annotations

import re

from speechkg.graph.extract.common import is_boundary
from speechkg.graph.extract.tables import COUNTRY_CHARS
from speechkg.graph.model import Doc, Mention

STATE, SIDE = "state", "state-side"
CHINA = "中国"
_DIPLOMATIC = re.compile("中方|两国")
_CHINA = re.compile("中国(?!特色|梦|式)|中方")
_SIDE = re.compile(f"[{''.join(sorted(COUNTRY_CHARS))}]方")


def states(doc: Doc, found: list[Mention]) -> list[Mention]:
    """The mentions of states as parties in a text of foreign relations (none elsewhere)."""
    text = doc.text
    if not _DIPLOMATIC.search(text):
        return []
    out = []
    for m in _CHINA.finditer(text):
        if is_boundary(text, m.start()) and is_boundary(text, m.end()):
            rule = STATE if m[0] == CHINA else SIDE
            out.append(Mention(m.start(), m.end(), m[0], "Body", CHINA, rule, canonical=True))
    partners: dict[str, set[str]] = {}
    for m in found:
        if m.type == "Body" and len(m.label) >= 2 and m.label[0] in COUNTRY_CHARS and m.label != CHINA:
            partners.setdefault(m.label[0], set()).add(m.label)
    for m in _SIDE.finditer(text):
        named = partners.get(m[0][0], set())
        if m[0] != "中方" and len(named) == 1 and is_boundary(text, m.start()) and is_boundary(text, m.end()):
            out.append(Mention(m.start(), m.end(), m[0], "Body", next(iter(named)), SIDE))
    return out
