"""Names of the mention rules that other steps read (the rest are only written to the graph as
`skg:rule`): one place, so the rule that writes a name and the code that reads it agree."""

LEXICON = "lexicon"  # a name of the lexicon: kept whole or not at all
PROPAGATED = "propagated"  # another occurrence of a name already found
NUMBERED_FORMULA = "numbered-formula"  # “五大行动” typed by default, without evidence around it
ABOUT_TITLE = "about-title"  # 关于…的决定 written out: its persons stay mentions of their own
MEETING_PART = "meeting-part"  # …会议小范围会谈: holds the meeting it is part of
MODEL = "ner-"  # prefix of the rule of a name the trained model proposed (ner-lac)
THEMED_MEETING = "themed-meeting"  # 学习贯彻党的十九大精神研讨班: holds the meetings its theme names
TALK = "talk"  # 张三会见A国总统B / 张三同B举行会谈: a meeting named by its frame, its host before it
TALK_KEY = "Meeting|talk:"  # the key of every talk, found or propagated
TALK_COUNTERPART = "talk-counterpart"  # the name a talk's frame ends with (…总统B)
EXPECTED_TARGET = "expected-target"  # one clause of a list of expected targets (主要预期目标是：…)
STATED_TARGET = "stated-target"  # a target stated on its own (赤字率拟按4%左右安排, 经济增长预期目标为5%左右)
POST_BEFORE_NAME = "post-title-name"  # a post stated before a name (全国政协副主席王刚, 原国务院副总理X)
POST_AFTER_NAME = "post-name-title"  # a post stated after a name by a title that implies its organ (X委员长)
POST_SHARED = "post-title-names"  # a post shared by the names listed after it (国务院副总理A、B: B's too)
