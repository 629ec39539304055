"""Bodies, persons, meetings and documents: suffix patterns over the lexicon's names."""

from __future__ import annotations

import re
from dataclasses import replace

from speechkg.graph.extract import rules
from speechkg.graph.extract.common import (
    HAN,
    LIST_ITEMS,
    PLACE,
    PLACE_FIRST,
    PUNCT,
    common_word,
    is_boundary,
    left_edge,
    starting_with,
)
from speechkg.graph.extract.tables import (
    COMPOUND_SURNAMES,
    FOREIGN_TITLES,
    SURNAMES,
    TITLES,
    TRANSLIT,
    alternation,
    column,
    rows,
)
from speechkg.graph.model import Doc, Mention
from speechkg.graph.segment import cn_number

_CN = "〇一二三四五六七八九十百"

# ------------------------------------------------------------------ bodies

_ORG_SUFFIX = alternation(column("organs.tsv", {1: "level-organ"}))
#: Stems of government departments, written as 省/市 + stem + 厅/局/委/办 or alone in lists.
_DEPT = alternation(column("organs.tsv", {1: "department"}))
_DEPT_SUFFIX = alternation(column("organs.tsv", {1: "dept-suffix"}))
_INSTITUTION = alternation(column("organs.tsv", {1: "institution"}))
_LEVEL = alternation(column("levels.tsv"))
# not an organ: 全省, 各市, 本县, 我省 … are areas, not bodies
_NOT_BEFORE = set("全各本我该跨外分两三四")
# …区/…市 words that are places, not organs: 社区委员会, 园区, 城市政府
_PLACE_WORD_BEFORE = set("社园城景片新辖湾山灾农牧矿老街校营军战商学都超股楼集门上夜菜乡省市县")

_BODY = re.compile(
    rf"(?:中共)?(?:(?P<place>{PLACE})|(?P<level>{_LEVEL}))"
    rf"(?:(?P<org>{_ORG_SUFFIX})|(?P<dept>{_DEPT})(?:{_DEPT_SUFFIX}))"
    rf"|(?P<term>中共(?:{PLACE})?(?P<tlevel>省|市|县|区)?第[{_CN}]{{1,3}}届委员会)"
    rf"|(?P<youth>共青团(?:{PLACE})?(?:省|市|县|区)?委|团(?:省|市|县|区)委)"
    rf"|(?P<group>(?:{_LEVEL})[{HAN}]{{0,6}}?(?:领导小组|协调小组|工作小组))"
    rf"|(?P<special>(?:全国|[省市县区])(?:人大|政协)[{HAN}]{{2,10}}?委员会)"
    rf"|(?P<cppcc>(?:中国人民政治协商会议|政协)第[{_CN}]{{1,3}}届全国委员会(?:常务委员会)?)"
)
# 北方工业大学, 城投公司, XX股份有限公司: a proper name before the suffix of a named unit
_INSTITUTION_RX = re.compile(rf"(?:{_INSTITUTION})(?!长|员|生[^产活态]|制|区)")
#: words before an institution suffix that make it a kind, not a name (上市公司, 公立医院)
_GENERIC_UNIT = re.compile(
    r"(?:上市|保险|证券|基金|外资|跨国|民营|国有|国营|私营|合资|子|分|母|各|投资|平台|"
    r"科技|贸易|物流|建筑|高等|一流|综合|公立|民办|基层|社区|乡镇|县级|市级|省级|"
    r"医科|职业|技术|重点|龙头|骨干|中小|大型|企业|有关|相关|这些|该|本|两|多|一|"
    r"专科|定点|三甲|商业|政策性|村镇|农商|城商|网络|新型|研究型|开放|特色|示范|控股|外国|国外|"
    r"境外|开发|多边|股份|收治|所在|当地|附近|综合性|专业|航空|最大|^方舱)$"
)
_GENERIC_START = re.compile(
    r"新型|各类|一批|多家|国外|境外|外国|有关|相关|这些|部分|全国|全省|全市|一些|不少|收治|"
    r"定点|所在|当地|附近|多所|各级|现有|第[一二三四五六七八九十]|一季度|企业|最大|京(?!东)"
)
_UNIT_COUNT = re.compile(r"[\d一二两三四五六七八九十百千几多数]+(?:家|所|个|座)")
#: verbs and conjunctions that stand before a unit's name but are not part of it
_UNIT_VERBS = (
    "和",
    "与",
    "及",
    "建设",
    "利用",
    "被",
    "依托",
    "引进",
    "组建",
    "成立",
    "联合",
    "加快",
    "新建",
    "扩建",
    "改造",
    "筹建",
    "落户",
    "入驻",
    "培育",
    "壮大",
)

_LEAD_FUNCTION = re.compile(r"^[与和同及跟对向强由在]+")
_ENUM_UNITS = re.compile(
    rf"((?:[{HAN}]{{2,4}}、){{1,{LIST_ITEMS}}}[{HAN}]{{2,4}}|[{HAN}]{{2,4}})等(?:有关|相关)?(?:单位|部门|机关)"
)


def bodies(doc: Doc) -> list[Mention]:
    """Organs named by level + suffix (省委, XX省总工会, 市人社局, 团省委) and department
    short names enumerated before 等有关单位/部门."""
    text = doc.text
    out = []
    for m in _BODY.finditer(text):
        if (
            m.group("level")
            and m.start() > 0
            and (text[m.start() - 1] in _NOT_BEFORE or text[m.start() - 1] in _PLACE_WORD_BEFORE)
        ):
            continue
        if m.group("level") and m.group("org") == "委" and text[m.end() : m.end() + 1] == "员":
            continue
        span = m.group(0)
        out.append(Mention(m.start(), m.end(), span, "Body", _body_label(span), "body-suffix"))
    for m in _INSTITUTION_RX.finditer(text):
        start = left_edge(text, m.start(), max_len=10, extra=_UNIT_VERBS)
        counts = list(_UNIT_COUNT.finditer(text, start, m.start()))
        if counts:
            start = counts[-1].end()  # 建成14家方舱医院, 两所大学: a count of units, not a name
        content = text[start : m.start()]
        if (
            len(content) >= 2
            and not _GENERIC_UNIT.search(content)
            and not _GENERIC_START.match(content)
            and not content.isdigit()
        ):
            span = text[start : m.end()]
            out.append(Mention(start, m.end(), span, "Body", span, "institution"))
    for m in re.finditer(r"机关党组(?!书记|副书记|成员)", text):
        out.append(Mention(m.start(), m.end(), m.group(0), "Body", m.group(0), "party-group"))
    for m in _ENUM_UNITS.finditer(text):
        pos = m.start(1)
        items = m.group(1).split("、")
        lead = _LEAD_FUNCTION.match(items[0])
        if lead and len(items[0]) - lead.end() >= 2:
            pos += lead.end()
            items[0] = items[0][lead.end() :]
        for item in items:
            if item not in ("政府", "有关", "相关", "其他"):
                out.append(Mention(pos, pos + len(item), item, "Body", item, "body-enum"))
            pos += len(item) + 1
    return out


_YOUTH = re.compile(rf"^共青团(?:{PLACE})?(?P<level>[省市县区])委$")
_TERM = re.compile(rf"^中共(?:{PLACE})?第[{_CN}]{{1,3}}届委员会$")
_CPPCC_TERM = re.compile(r"届全国委员会(?P<standing>常务委员会)?$")


def _body_label(span: str) -> str:
    """共青团XX省委 is 团省委, 中共XX市第十二届委员会 is 市委, 政协第十四届全国委员会(常务委员会)
    is 全国政协(常委会); 省委 and XX省委 are linked later by their level + organ."""
    m = _CPPCC_TERM.search(span)
    if m and span.startswith(("政协第", "中国人民政治协商会议第")):
        return "全国政协常委会" if m.group("standing") else "全国政协"
    m = _YOUTH.match(span)
    if m:
        return f"团{m.group('level')}委"
    if _TERM.match(span):
        level = re.search(r"[省市县区](?=第)", span)
        return f"{level.group(0)}委" if level else "党中央"
    return span


# ------------------------------------------------------------------ persons

#: what follows a person's name: a verb of official news, an honorific, or the end of a clause
_AFTER_NAME = (
    "同志|总书记|主持|出席|强调|指出|表示|讲话|在|于|作|参加|会见|会谈|调研|要求|说|陪同|致辞|"
    "发言|发了言|先后|分别|相继|宣布|代表|看望|考察|视察|签署|介绍|回答|应约|应邀|先生|女士|总统|总理|主席|等|和|、|，|。|；|"
    "：|（|\\s|$|"
    # a day right after the name: 市长张国强26日主持…
    "[0-9０-９]{1,2}(?:月[0-9０-９]{1,2})?日"
)
_TITLE_RX = alternation(TITLES)
_FOREIGN_TITLE_RX = alternation(FOREIGN_TITLES)
_NAME_AFTER_TITLE = re.compile(rf"(?:{_TITLE_RX})[ \u3000]?(?=[{HAN}])")
_HONORIFIC = re.compile(r"同志|总书记")
_TITLE_END = re.compile(rf"(?:{_TITLE_RX})$")
_AFTER = re.compile(_AFTER_NAME)
# A、B、C等参加 / A、B先后发言: a list of names before a verb of attending or speaking
_NAME_LIST = re.compile(
    rf"(?:[{HAN}]{{2,4}}、){{1,{LIST_ITEMS}}}[{HAN}]{{2,4}}?"
    rf"(?=等?(?:同志)?(?:参加|出席|陪同|参会|先后发言|发言|发了言|讲话|会见|主持|同志))"
)
# a name at the head of a sentence before a verb of official news (王晨主持座谈会。)
_NAME_LEADS = re.compile(
    rf"(?:^|(?<=[。；！？\n]))[{HAN}]{{2,3}}(?=主持|出席|参加|强调|指出|表示|会见|宣布|"
    rf"讲话|致辞|看望|考察|调研)",
    re.M,
)
_FUNCTION_CHARS = set("在由和与及对向请让是为了着的以经据按被把将从同跟给，、。；：“”（）\n")
_NOT_NAMES = {
    "广大",
    "各位",
    "全体",
    "青年",
    "老",
    "党员",
    "领导",
    "有关",
    "全党",
    "中央",
    "地方",
    "各级",
    "基层",
    "我们",
    "大家",
    "同志",
    "许多",
    "全国",
    "国家",
    "政府",
    "成员",
    "代表",
    "会议",
    "常委",
    "委员",
    "主任",
    "主席",
    "书记",
    "部长",
    "干部",
    "群众",
    "全会",
    "大会",
    "全市",
    "全省",
    "全区",
    "全县",
    "会上",
    "双方",
    "各方",
    "中方",
    "我国",
    "我省",
    "我市",
    "文件",
    "报告",
}
#: leading characters of words that follow a title but are no names (主席团, 总理府, 委员会)
_NOT_NAME_START = set("团府会级长副兼职们")


def _is_name(cand: str) -> bool:
    """A Chinese personal name: a surname and one or two given characters."""
    if not (2 <= len(cand) <= 4) or cand in _NOT_NAMES or cand[:2] in _NOT_NAMES:
        return False
    if any(not ("\u4e00" <= c <= "\u9fff") for c in cand) or cand[-1] == "等":
        return False
    if cand[:2] in COMPOUND_SURNAMES:
        return len(cand) in (3, 4)
    return cand[0] in SURNAMES and len(cand) <= 3 and not (len(cand) == 2 and common_word(cand))


def _is_foreign(cand: str) -> bool:
    """A transliterated name (普京, 米尔济约耶夫, 古特雷斯): two to eight transliteration characters."""
    parts = cand.split("·")
    return (
        2 <= len(cand) <= 12
        and all(len(p) >= 1 and all(c in TRANSLIT for c in p) for p in parts)
        and len(cand.replace("·", "")) >= 2
    )


def _function_first(text: str, pos: int) -> bool:
    """和全体, 和媒体: a function word of its own where a surname would stand."""
    return text[pos] in _FUNCTION_CHARS and is_boundary(text, pos + 1)


def _name_at(text: str, pos: int, foreign: bool = False) -> int | None:
    """The end of the name that starts at `pos`, checked by what follows it; None if none."""
    if _function_first(text, pos):
        return None
    for n in (3, 2, 4):
        cand = text[pos : pos + n]
        if _is_name(cand) and _AFTER.match(text, pos + n):
            return pos + n
    if foreign:
        for n in range(8, 1, -1):
            cand = text[pos : pos + n]
            if _is_foreign(cand) and _AFTER.match(text, pos + n):
                return pos + n
    return None


def persons(doc: Doc) -> list[Mention]:
    """Names before 同志/总书记, after a title (省委书记楼阳生出席…, 俄罗斯总统普京), in lists
    before a verb of attending (A、B、C等参加), and at the head of a sentence before a verb of
    official news (王晨主持座谈会)."""
    text = doc.text
    out = []
    for m in _HONORIFIC.finditer(text):
        end = m.start()
        # 副主席钱芳同志: a title right before a two-character name is not part of it
        titled = _TITLE_END.search(text, max(0, end - 8), end - 2) is not None
        for n in (2, 3, 4) if titled else (3, 2, 4):
            start = end - n
            if start < 0:
                continue
            cand = text[start:end]
            before = text[start - 1] if start > 0 else "\n"
            if not _is_name(cand):
                continue
            fits = (
                before in _FUNCTION_CHARS
                or before in PUNCT
                or (titled and n == 2)
                or not "\u4e00" <= before <= "\u9fff"
                or is_boundary(text, start)
            )
            if fits and not _function_first(text, start):
                out.append(Mention(start, end, cand, "Person", cand, "person-honorific", aliases=(cand + m.group(0),)))
                break
    for m in _NAME_AFTER_TITLE.finditer(text):
        if text[m.end()] in _NOT_NAME_START:
            continue
        title = m.group(0).strip()
        end = _name_at(text, m.end(), foreign=bool(re.fullmatch(_FOREIGN_TITLE_RX, title)))
        if end is not None:
            cand = text[m.end() : end]
            out.append(Mention(m.end(), end, cand, "Person", cand, "person-title"))
    for m in _NAME_LIST.finditer(text):
        items = m.group(0).split("、")
        if not all(_is_name(i) for i in items):
            continue
        pos = m.start()
        for item in items:
            out.append(Mention(pos, pos + len(item), item, "Person", item, "person-list"))
            pos += len(item) + 1
    for m in _NAME_LEADS.finditer(text):
        cand = m.group(0)
        if _is_name(cand):
            out.append(Mention(m.start(), m.end(), cand, "Person", cand, "person-lead"))
    return out


# ------------------------------------------------------------------ meetings

_PARTY_CONGRESS = re.compile(
    starting_with(
        f"中党第{_CN}",
        rf"(?P<pre>中国共产党|中共|党的)?(?:第(?P<n1>[{_CN}]{{1,4}})次全国代表大会"
        rf"|(?:(?<=中共)|(?<![{HAN}第]))(?P<n2>[十二三][{_CN}]{{1,2}})大(?![会学队家局力型批战])"
        rf"|(?<=党的)(?P<n3>[{_CN}]{{1,3}})大(?![会学队家局力型批]))",
    )
)
_PLENUM = re.compile(
    starting_with(f"中党{_CN}", rf"(?P<pre>中国共产党|中共|党的)?(?P<t>[{_CN}]{{1,3}})届(?P<n>[{_CN}]{{1,2}})中全会")
)
_ORG_SESSION = re.compile(
    rf"(?P<t>[{_CN}]{{1,3}})届(?P<n>[{_CN}]{{1,3}})次"
    rf"(?:全体会议|全会|(?:执委|全委|常委)(?:（扩大）|\(扩大\))?(?:会议|会)|会议|代表大会)"
)
# 二十届中央纪委二次全会, 十四届全国人大二次会议: the term before the organ, the session after it
_TERM_ORGAN_SESSION = re.compile(
    rf"(?<![{_CN}第])(?P<t>[{_CN}]{{1,3}})届(?P<org>[{HAN}]{{2,8}}?)(?<![{_CN}])(?P<n>[{_CN}]{{1,2}})次"
    rf"(?:全体会议|全会|会议)"
)
_FULL_PLENUM = re.compile(rf"(?:中国共产党|中共)?第(?P<t>[{_CN}]{{1,3}})届中央委员会第(?P<n>[{_CN}]{{1,2}})次全体会议")
_BODY_MEETING = re.compile(
    starting_with(
        f"中国省市县区{PLACE_FIRST}",
        rf"(?:中共)?(?:{PLACE})?(?:省|市|县|区)(?:委常委会|政府|人大常委会|政协常委会)"
        rf"(?:第[{_CN}]{{1,4}}次)?(?:常务会议|会议|全体会议|主任会议)"
        rf"|(?:中央政治局常委会|中央政治局|国务院|中央全面深化改革委员会|中央财经委员会|中央书记处)"
        rf"(?:第[{_CN}]{{1,4}}次)?(?:常务会议|会议|全体会议|集体学习)",
    )
)
_NUMBERED_SESSION = re.compile(
    rf"(?:(?P<t>[{_CN}]{{1,3}})届)?(?P<body>[{HAN}XＸ]{{2,24}}?)第(?P<n>[{_CN}]{{1,4}})次"
    rf"(?P<kind>会议|全体会议|常务会议|主任会议|全国代表大会|代表大会)"
)
_LOCAL_CONGRESS = re.compile(
    starting_with(
        f"中第省市县区{PLACE_FIRST}",
        rf"(?P<place>{PLACE}|省|市|县|区)?第(?P<n>[{_CN}]{{1,3}})次党(?:代会|代表大会)"
        rf"|(?:中共|中国共产党)(?P<place2>{PLACE}|省|市|县|区)第(?P<n2>[{_CN}]{{1,3}})次代表大会",
    )
)
_SHORT_CONGRESS = re.compile(r"(?P<level>省|市|县|区)党代会")
_SHORT_PLENUM = re.compile(r"(?P<org>省委|市委|县委|区委)全会")
_MEETING_KINDS = column("meetings.tsv", {1: "named"})
_MEETING_KIND = re.compile(alternation(_MEETING_KINDS))
#: a part of a meeting, named after it (…第二十二次会议小范围会谈, …年会开幕式)
_MEETING_PART = re.compile(alternation(column("meetings.tsv", {1: "part"})))
_MEETING_REACH = 24  # how far left a meeting's name may run from its kind
# words that govern other names but stand inside meeting names (全国组织工作会议)
_MEETING_KEEP = frozenset(
    {
        "的",
        "以",
        "在",
        "对",
        "从",
        "向",
        "于",
        "由",
        "到",
        "组织",
        "促进",
        "建设",
        "推进",
        "全面",
        "深化",
        "宣传",
        "统战",
    }
)


# governing words that are also words of organs' names (上海合作组织, 中央全面深化改革委员会)
_ORGAN_WORDS = _MEETING_KEEP - set("的以在对从向于由到")


def _party_congress(n: int) -> tuple[str, tuple[str, ...]]:
    """The canonical name of the n-th party congress and its usual other forms."""
    num = _cn(n)
    return (
        f"党的第{num}次全国代表大会",
        (f"中国共产党第{num}次全国代表大会", f"第{num}次全国代表大会", f"党的{num}大", f"{num}大", f"中共{num}大"),
    )


def _cn(n: int) -> str:
    digits = "〇一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def meetings(doc: Doc) -> list[Mention]:
    text = doc.text
    out = []
    for m in _PARTY_CONGRESS.finditer(text):
        n = cn_number(m.group("n1") or m.group("n2") or m.group("n3") or "")
        if not n or n > 30:
            continue
        if m.group("n1") and not m.group("pre"):
            # 第二十次全国代表大会 without 党的: the party's only when the clause speaks of the party
            clause_start = max(text.rfind(c, 0, m.start()) for c in "，。；\n")
            if "党" not in text[clause_start + 1 : m.start()]:
                continue
        if m.group("n2") and not m.group("pre") and n < 8:
            continue  # 三大, 五大 are rarely congresses
        label, aliases = _party_congress(n)
        out.append(
            Mention(
                m.start(),
                m.end(),
                m.group(0),
                "Meeting",
                label,
                "party-congress",
                key=f"party-congress-{n}",
                aliases=aliases,
            )
        )
    # 党的二十届三中全会 (the short form, which also names the full one) and 中国共产党第二十届中央
    # 委员会第三次全体会议 (the full form): one meeting, keyed by term and session
    for pattern, short in ((_PLENUM, True), (_FULL_PLENUM, False)):
        for m in pattern.finditer(text):
            t, n = cn_number(m.group("t")), cn_number(m.group("n"))
            if not t or not n:
                continue
            aliases = (
                f"{_cn(t)}届{_cn(n)}中全会",
                f"中共{_cn(t)}届{_cn(n)}中全会",
                f"中国共产党第{_cn(t)}届中央委员会第{_cn(n)}次全体会议",
            )
            out.append(
                Mention(
                    m.start(),
                    m.end(),
                    m.group(0),
                    "Meeting",
                    f"党的{_cn(t)}届{_cn(n)}中全会",
                    "party-plenum",
                    key=f"party-plenum-{t}-{n}",
                    aliases=aliases if short else aliases[:1],
                )
            )
    for m in _BODY_MEETING.finditer(text):
        out.append(Mention(m.start(), m.end(), m.group(0), "Meeting", m.group(0), "body-meeting"))
    for m in _TERM_ORGAN_SESSION.finditer(text):
        if cn_number(m.group("t")) and cn_number(m.group("n")):
            out.append(Mention(m.start(), m.end(), m.group(0), "Meeting", m.group(0), "term-organ-session"))
    for m in _ORG_SESSION.finditer(text):
        start = _org_prefix_start(doc, m.start())
        span = text[start : m.end()]
        out.append(Mention(start, m.end(), span, "Meeting", span, "session"))
    for m in _NUMBERED_SESSION.finditer(text):
        di = m.start("n") - 1  # the 第 of 第N次
        start = max(m.start("body"), left_edge(text, di, max_len=_MEETING_REACH, keep=_ORGAN_WORDS))
        if m.group("t") and start > m.start("t") and not re.search(r"召开|举行|出席", text[m.start() : start]):
            start = m.start("t")
        span = text[start : m.end()]
        if di - start >= 2 and len(span) >= 6:
            out.append(Mention(start, m.end(), span, "Meeting", span, "numbered-session"))
    for m in _LOCAL_CONGRESS.finditer(text):
        span = m.group(0)
        level = (m.group("place") or m.group("place2") or "")[-1:] or ""
        n = cn_number(m.group("n") or m.group("n2") or "")
        # 省第十一次党代会 = 中共XX省第十一次代表大会: one key for level + number
        key, aliases = None, ()
        if level in "省市县区" and level and n:
            key, aliases = f"Meeting|local-congress-{level}-{n}", (f"{level}第{_cn(n)}次党代会",)
        out.append(Mention(m.start(), m.end(), span, "Meeting", span, "local-congress", key=key, aliases=aliases))
    for m in _SHORT_CONGRESS.finditer(text):
        out.append(
            Mention(
                m.start(),
                m.end(),
                m.group(0),
                "Meeting",
                m.group(0),
                "short-congress",
                short_of=f"{m.group('level')}|党代会",
            )
        )
    for m in _SHORT_PLENUM.finditer(text):
        out.append(
            Mention(
                m.start(), m.end(), m.group(0), "Meeting", m.group(0), "short-plenum", short_of=f"{m.group('org')}|全会"
            )
        )
    for m in _MEETING_KIND.finditer(text):
        start = left_edge(text, m.start(), max_len=_MEETING_REACH, keep=_MEETING_KEEP)
        start = max(start, _cut_after(text, m.start() - _MEETING_REACH, m.end()))
        span = text[start : m.end()]
        if len(span) > len(_meeting_kind(span)) + 1:
            out.append(Mention(start, m.end(), span, "Meeting", span, "named-meeting"))
    out = [_national_session(text, m) for m in out]
    return _parts(text, _join_ji(text, out))


def _meeting_kind(span: str) -> str:
    return next((kind for kind in _MEETING_KINDS if span.endswith(kind)), "")


def _parts(text: str, found: list[Mention]) -> list[Mention]:
    """A part of a meeting named after it (…会议小范围会谈, …年会开幕式) is a meeting of its own."""
    out = list(found)
    for m in found:
        p = _MEETING_PART.match(text, m.end)
        if p:
            span = text[m.start : p.end()]
            out.append(Mention(m.start, p.end(), span, "Meeting", span, rules.MEETING_PART))
    return out


# sessions of the national people's congress and CPPCC and of their standing committees, in
# every form: 政协第十四届全国委员会第二次会议 = 全国政协十四届二次会议 = 十四届全国政协二次会议
_SESSION_NUMBERS = re.compile(rf"第?(?P<t>[{_CN}]{{1,3}})届.*?第?(?P<n>[{_CN}]{{1,3}})次(?:会议|全体会议)$")


def _national_session(text: str, m: Mention) -> Mention:
    """The same key for every form of a national NPC or CPPCC session, with its full name as alias."""
    span = m.text
    if m.key or "全国" not in span or not span.endswith("会议"):
        return m
    cppcc = "政协" in span or "政治协商会议" in span
    npc = "人大" in span or "人民代表大会" in span
    nums = _SESSION_NUMBERS.search(span)
    if cppcc == npc or not nums:
        return m
    t, n = cn_number(nums.group("t")), cn_number(nums.group("n"))
    standing = "常委会" in span or "常务委员会" in span
    if not t or not n:
        return m
    if cppcc:
        organ = "全国委员会常务委员会" if standing else "全国委员会"
        full = f"政协第{_cn(t)}届{organ}第{_cn(n)}次会议"
        short = f"全国政协{_cn(t)}届常委会第{_cn(n)}次会议" if standing else f"全国政协{_cn(t)}届{_cn(n)}次会议"
    else:
        organ = "全国人民代表大会常务委员会" if standing else "全国人民代表大会"
        full = f"第{_cn(t)}届{organ}第{_cn(n)}次会议"
        short = f"{_cn(t)}届全国人大常委会第{_cn(n)}次会议" if standing else f"{_cn(t)}届全国人大{_cn(n)}次会议"
    kind = "cppcc" if cppcc else "npc"
    return replace(m, key=f"Meeting|{kind}{'-standing' if standing else ''}-{t}-{n}", aliases=m.aliases + (full, short))


_CUT = re.compile(r"召开|主持|出席|参加|举行|在|暨|的|了|，")


def _cut_after(text: str, lo: int, hi: int) -> int:
    best = 0
    for m in _CUT.finditer(text, max(0, lo), hi):
        if m.end() <= hi - 4:
            best = max(best, m.end())
    return best


_CENTRAL_ORGANS = re.compile(
    r"(?:全总|中华全国总工会|共青团中央|团中央|全国妇联|中国科协|全国工商联|"
    r"中国文联|中国作协|中国侨联|中国残联|中央纪委|全国人大常委会|全国政协|中国工会|"
    r"全国人大|政协|人大)$"
)


def _org_prefix_start(doc: Doc, start: int) -> int:
    """A session name starts with its organ when one stands right before it
    (全总十七届五次执委会议, 省纪委十一届二次全会)."""
    lo = max(0, start - 16)
    best = start
    for m in _BODY.finditer(doc.text, lo, start):
        if m.end() == start:
            best = min(best, m.start())
    c = _CENTRAL_ORGANS.search(doc.text, lo, start)
    if c and c.end() == start:
        best = min(best, c.start())
    return best


def _join_ji(text: str, found: list[Mention]) -> list[Mention]:
    """M1暨M2 is one meeting: add a mention spanning both, with both parts as aliases."""
    out = list(found)
    for m in found:
        if text[m.end : m.end + 1] == "暨":
            nxt = [o for o in found if o.start == m.end + 1]
            if nxt:
                second = max(nxt, key=lambda o: o.end)
                span = text[m.start : second.end]
                out.append(
                    Mention(
                        m.start, second.end, span, "Meeting", span, "joint-meeting", aliases=(m.label, second.label)
                    )
                )
    return out


# ------------------------------------------------------------------ documents

_BOOK = re.compile(r"《([^《》\n]{1,120})》")
_PLAN = re.compile(
    rf"[{HAN}]{{0,10}}“[{_CN}]{{2,4}}”(?:[{HAN}]{{0,8}}?)规划(?:纲要)?"
    rf"|[{HAN}]{{2,12}}?五年规划"
)


# 关于…的决定: a title of a decision, report or opinion written without 《》
_ABOUT = re.compile(
    r"关于[^，。；：“”《》\n]{2,60}?的(?:决定|决议|报告|意见|通知|规定|说明|批复|建议|方案|办法)"
    r"(?:（草案）)?"
)
_DOC_HEAD = re.compile(alternation(tuple(r[0] for r in rows("heads.tsv") if r[1] == "Document")))
#: verbs that stand before a document's name (审议通过…, 印发…)
_DOC_VERBS = (
    "审议",
    "通过",
    "印发",
    "出台",
    "制定",
    "修订",
    "颁布",
    "发布",
    "听取",
    "签署",
    "批准",
    "表决",
    "编制",
    "实施",
    "落实",
    "执行",
    "贯彻",
)
_REPORTING_ORGAN = re.compile(r"(?:政府|委员会|常委会|法院|检察院|总工会|工会|妇联|团委|政协|人大|监委|纪委)$")
#: words that make a document head a kind of document, not a name (年度工作报告, 有关条例)
_DOC_GENERIC = re.compile(
    r"^(?:年度|有关|相关|各项|各类|这个|这一|该|本|上述|有关部门|专项|配套|具体|"
    r"政府|我们的|一批|多项)?$"
)


def documents(doc: Doc) -> list[Mention]:
    """Titles in 《》, five-year plans (“十四五”规划, …五年规划), titles written without 《》
    (关于…的决定, …法（草案）, …实施方案, …工作报告)."""
    text = doc.text
    out = []
    for m in _ABOUT.finditer(text):
        out.append(Mention(m.start(), m.end(), m.group(0), "Document", m.group(0), rules.ABOUT_TITLE))
    for m in _DOC_HEAD.finditer(text):
        start = left_edge(text, m.start(), max_len=24, extra=_DOC_VERBS)
        content = text[start : m.start()]
        if m.group(0) == "工作报告" and not _REPORTING_ORGAN.search(content):
            continue  # a work report is named after the organ that reports (政府工作报告)
        if len(content) >= 2 and not _DOC_GENERIC.match(content) and "《" not in content and "》" not in content:
            span = text[start : m.end()]
            out.append(Mention(start, m.end(), span, "Document", span, "document-head"))
    for m in _BOOK.finditer(text):
        out.append(Mention(m.start(), m.end(), m.group(0), "Document", m.group(1).strip(), "book-title"))
    for m in _PLAN.finditer(text):
        start = max(m.start(), left_edge(text, m.end() - 2, max_len=m.end() - 2 - m.start()))
        quote = text.find("“", m.start(), m.end())
        if quote >= 0:  # 妇女儿童发展“十四五”规划: the words before the quote belong to it
            start = max(m.start(), left_edge(text, quote, max_len=quote - m.start()))
        span = text[start : m.end()]
        if len(span) > 4:
            out.append(Mention(start, m.end(), span, "Document", span.replace("“", "").replace("”", ""), "plan"))
    return out


__all__ = ["bodies", "persons", "meetings", "documents", "PUNCT"]
