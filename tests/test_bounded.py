"""Issue 16: any input in bounded time and memory (hostile inputs D9–D12 of the reliability
report, and one bad file in a corpus). Inputs are small; limits are far from what the fixed
code takes and far below what the quadratic code took."""
from __future__ import annotations

import time

from graph import link
from graph.model import Mention

from .conftest import doc_of


def _groups(labels: list[tuple[str, str]]) -> dict[str, list[Mention]]:
    groups: dict[str, list[Mention]] = {}
    for i, (type_, label) in enumerate(labels):
        m = Mention(start=i, end=i + 1, text=label, type=type_, label=label, rule="t")
        groups.setdefault(f"{type_}|{label}", []).append(m)
    return groups


def _roots(groups):
    uf = link._UnionFind()
    for k in groups:
        uf.find(k)
    link._merge_short_forms(groups, uf)
    return {k: uf.find(k) for k in groups}


def test_short_forms_still_merge_with_the_one_longer_form():
    roots = _roots(_groups([("Campaign", "全省劳动和技能竞赛"), ("Campaign", "劳动和技能竞赛"),
                            ("Document", "中华人民共和国工会法"), ("Document", "工会法"),
                            ("Meeting", "省民营经济工作会议"), ("Meeting", "民营经济工作会议")]))
    assert roots["Campaign|劳动和技能竞赛"] == "Campaign|全省劳动和技能竞赛"
    assert roots["Document|工会法"] == "Document|中华人民共和国工会法"
    assert roots["Meeting|民营经济工作会议"] == "Meeting|省民营经济工作会议"


def test_a_short_form_with_two_longer_forms_stays_apart():
    roots = _roots(_groups([("Campaign", "全省劳动和技能竞赛"), ("Campaign", "全市劳动和技能竞赛"),
                            ("Campaign", "劳动和技能竞赛"), ("Document", "工会法"),
                            ("Document", "工会法实施办法")]))
    assert roots["Campaign|劳动和技能竞赛"] == "Campaign|劳动和技能竞赛"
    assert roots["Document|工会法"] == "Document|工会法"


def test_short_forms_of_many_names_are_merged_in_linear_time():
    # D9: 20,000 campaign names compared pairwise took about a minute
    groups = _groups([("Campaign", f"五大行动{i}") for i in range(20000)]
                     + [("Campaign", f"全省五大行动{i}") for i in range(0, 20000, 7)]
                     + [("Document", f"第{i}号工会法") for i in range(20000)])
    t = time.perf_counter()
    roots = _roots(groups)
    assert time.perf_counter() - t < 3
    assert roots["Campaign|五大行动7"] == "Campaign|全省五大行动7"
    assert roots["Campaign|五大行动8"] == "Campaign|五大行动8"


def test_a_sentence_of_thousands_of_quoted_campaigns_builds_in_seconds():
    text = "".join(f"开展“五大行动{i}”活动，" for i in range(3000)) + "。"
    t = time.perf_counter()
    doc = doc_of(text)
    assert time.perf_counter() - t < 10
    assert sum(e.type == "Campaign" for e in doc.entities) == 3000


def test_deeply_nested_html_is_read_in_linear_time(tmp_path):
    # D10: 20,000 nested <div> took 18 s (each block searched its whole subtree again)
    from graph import read

    data = ("<html><body>" + "<div>" * 20000 + "省委召开会议。" + "</div>" * 20000
            + "<p>第二段</p></body></html>").encode()
    t = time.perf_counter()
    assert read.html_text(data, "n.html") == "省委召开会议。\n第二段"
    assert time.perf_counter() - t < 3


def test_unclosed_html_tags_are_read_in_linear_time():
    from graph import read

    data = ("<html><body>" + "<p><b><i>" * 10000 + "全总召开会议。").encode()
    t = time.perf_counter()
    assert read.html_text(data, "u.html") == "全总召开会议。"
    assert time.perf_counter() - t < 3


def test_html_text_reads_only_innermost_blocks_once():
    from graph import read

    data = ("<html><head><title>标题</title></head><body><div>前言<div><p>一段<br>二段</p>"
            "<aside><aside><p>旁注</p></aside></aside><ul><li>甲</li><li>乙</li></ul></div>"
            "</div><script>x</script></body></html>").encode()
    assert read.html_text(data, "h.html") == "标题\n一段\n二段\n甲\n乙"
