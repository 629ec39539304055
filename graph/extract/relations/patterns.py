"""Word patterns that rules of more than one family build on: a time of day, what may stand between
an agent and its verb, a meeting named by a common noun, a speech, what may precede a clause's subject."""

from __future__ import annotations

import re

from speechkg.graph.extract.tables import TITLES, alternation, meeting_pattern, verbs

TIME_OF_DAY = r"(?:上午|下午|晚上|晚间|晚|早上|中午|凌晨)"
# what may stand between a person (or a date) and the verb: 同志, 于, a time of day, 在京, 以视频方式
FILL = (
    rf"(?:同志)?(?:于)?{TIME_OF_DAY}?\s*"
    rf"(?:在[^，。；、“”]{{1,12}}?(?={verbs('chair', 'attend', 'hold', 'meet', 'join')})"
    r"|以视频(?:连线)?方式|通过视频(?:连线)?)?"
)
# what may stand between a person and the verb: FILL after a title written after the name
# (张三委员长主持会议, 李四总理出席并讲话)
PERSON_FILL = rf"(?:{alternation(TITLES)})?{FILL}"
# a meeting named by a common noun, not a name: 会议, 座谈会, 闭幕会…
GENERIC_MEETING = rf"(?:{meeting_pattern('generic')})"
# one group, so that 并{SPEECH} reads 并 + a speech (not 并讲话 | 致辞 | 作…报告 alone)
SPEECH = r"(?:(?:发表|作)?了?(?:重要|主旨|书面|总结)?(?:讲话|致辞|演讲|发言|讲座)|致辞|作[^，。；的]{0,12}?报告)"
# what may stand before the subject in its clause (after ，；：): ——, 以 (以X为核心的Y), 在/于 a place
SUBJECT_PREFIX = re.compile(r"^\s*(?:——|以|[^，。；]{0,6}?[在于])?$")
