"""The head of a text (issue 28, reading real documents): a saved web page's navigation is
skipped so the title is the real one, and bylines and datelines date the speech; a date in the
body never does."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from speechkg.cli import cli
from speechkg.graph.read.head import head
from speechkg.graph.read.reader import byline_date, guess_title, read_speech

from ..conftest import SHARED, need_shared

BODY = "各位代表：\n现在，我代表市人民政府向大会报告工作，请予审议。\n一、过去一年的工作\n2025年，全市经济稳中有进。\n"
D = dt.date


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # a site's toolbar, one word a line, and the font-size box
        ("下载\n打印\n全屏\n收藏\n【字号：\n加大\n还原\n减小\n】\n2025年某市政府工作报告\n", "2025年某市政府工作报告"),
        # the same on one line
        ("下载 打印 全屏 收藏 【字号： 加大 还原 减小 】 \n2025年某市政府工作报告\n", "2025年某市政府工作报告"),
        # a breadcrumb, its section repeated as a heading, a source and a time, the font box
        (
            "您的位置:\n首页\n>\n要闻\n要闻\n2025年政府工作报告\n"
            "来源：某某日报\n2025-02-03 09:02:33\n【字体：\n大\n中\n小\n】\n",
            "2025年政府工作报告",
        ),
        ("当前位置：首页 > 新闻中心 > 领导讲话\n在全市工作会议上的讲话\n", "在全市工作会议上的讲话"),
        # a source whose name stands on the next line, an editor, a share bar
        ("来源:\n某某日报\n责任编辑：张三\n分享到：\n在全市工作会议上的讲话\n", "在全市工作会议上的讲话"),
        # the page's date alone on the line before the title
        ("2025年02月10日 07时41分\n分享：\n在全市工作会议上的讲话\n", "在全市工作会议上的讲话"),
        # no residue: the first line as before
        ("2025年某市政府工作报告\n", "2025年某市政府工作报告"),
        # a title after the residue that is no title (a sentence) is none
        ("下载\n打印\n现在，我代表市人民政府向大会报告工作。\n", None),
    ],
)
def test_residue_is_skipped_for_the_title(head, title):
    assert guess_title(head + BODY) == title


def test_residue_words_in_the_body_stay():
    """Only the head is skipped: 下载 as a body's first line after a title is the body's."""
    assert guess_title("会议纪要\n下载\n打印\n") == "会议纪要"
    assert guess_title("下载\n打印\n") is None  # nothing but residue: no title


@pytest.mark.parametrize(
    ("head", "date"),
    [
        ("发表时间：2015-04-28　　　来源：新华社\n在大会上的讲话\n", D(2015, 4, 28)),
        ("发布时间：2025-02-03 09:02:33\n在大会上的讲话\n", D(2025, 2, 3)),
        ("2025年政府工作报告\n来源：某某日报 2025-02-03 09:02:33\n【字体：大 中 小】\n", D(2025, 2, 3)),
        ("在大会上的讲话\n2025年02月10日 07时41分\n来源:\n某某日报\n", D(2025, 2, 10)),
        ("在大会上的讲话\n时间：2025/2/3\n", D(2025, 2, 3)),
        # a news agency's dateline, with and without its year (the year of the page's byline)
        ("新华社北京2015年3月5日电 国务院总理今天在十二届全国人大三次会议上作政府工作报告。\n", D(2015, 3, 5)),
        ("发表时间：2015-03-06\n新华社北京3月5日电 国务院总理5日在大会上作报告。\n", D(2015, 3, 5)),
        ("人民网北京3月5日电 记者报道，2015年全国两会今天继续举行。2015年是收官之年。\n", D(2015, 3, 5)),
        # the dateline's month after the page's: the year before
        ("发布时间：2016-01-02\n新华社北京12月31日电 某会议31日在京举行。\n", D(2015, 12, 31)),
        # a broadcast's lead, dated with the year of the page's byline
        (
            "发布时间：2023-03-25\n央视网消息（新闻联播）：国务院总理3月24日主持召开国务院常务会议，部署工作。\n",
            D(2023, 3, 24),
        ),
        # a report's header, in digits and in Chinese numerals, with and without the dash
        ("2025年某市政府工作报告\n——2025年1月25日在某市第十六届人民代表大会第四次会议上\n", D(2025, 1, 25)),
        ("2025年某省政府工作报告\n——二〇二五年一月二十七日在某省人民代表大会第四次会议上\n", D(2025, 1, 27)),
        ("2025年某省政府工作报告\n2025年1月31日在某省第十四届人民代表大会第四次会议上\n", D(2025, 1, 31)),
        # a byline in brackets under the speech's title
        ("在座谈会上的讲话\n（2013年12月26日）\n", D(2013, 12, 26)),
    ],
)
def test_bylines_and_datelines_date_the_speech(head, date):
    assert byline_date(head + BODY) == date


def test_the_day_delivered_wins_over_the_page_date():
    """A page's publication time comes before the header; the header's day is the speech's."""
    page = "下载\n打印\n2025年某省政府工作报告\n2025年02月10日 07时41分\n来源:\n某某日报\n【字体：\n大\n中\n小\n】\n"
    page += "分享：\n"
    assert byline_date(page + "2025年2月3日在某省第十四届人民代表大会第五次会议上\n" + BODY) == D(2025, 2, 3)
    dateline = (
        "讲话全文\n发表时间：2016-06-01\n新华社北京5月31日电\n为建设强国而奋斗\n——在大会上的讲话\n（2016年5月30日）\n"
    )
    assert byline_date(dateline + BODY) == D(2016, 5, 30)
    assert byline_date("讲话全文\n发表时间：2016-06-01\n新华社北京5月31日电\n" + BODY) == D(2016, 5, 31)


@pytest.mark.parametrize(
    "lead",
    [
        "某国总统将于7月4日至7日对中国进行国事访问。",  # still to come
        "7月1日至2日，某论坛在京举行。",  # a span of days
        "2012年6月18日在大会上所作的报告单行本出版。",  # a dated earlier event
        "某条例自2012年10月1日起施行。",
    ],
)
def test_a_leads_other_dates_are_not_taken(lead):
    """A broadcast lead's date is an event of the item's own: the page's date is taken instead."""
    assert byline_date(f"发布时间：2012-07-02\n央视网消息（新闻联播）：{lead}\n") == D(2012, 7, 2)


@pytest.mark.parametrize(
    "text",
    [
        # a dateline deep in the text
        "在大会上的讲话\n" + BODY + "新华社北京3月5日电 这是引用的一则消息。\n",
        # a 发表时间 quoted in the middle
        "在大会上的讲话\n" + BODY * 2 + "发表时间：2015-04-28\n",
        # a dateline not at the start of its line
        "会议指出，新华社北京3月5日电的报道很重要。\n" + BODY,
        # a date in a long first sentence: no byline
        "2025年1月25日，市第十六届人民代表大会第四次会议在市会议中心隆重开幕，代表们认真审议报告。\n" + BODY,
        # a lead's date without a year in the head: the text's years are not the item's
        "央视网消息（新闻联播）：中共中央政治局12月11日召开会议，分析研究2021年经济工作。\n2021年要做好工作。\n",
        # a date that does not exist
        "在大会上的讲话\n（2025年2月30日）\n" + BODY,
    ],
)
def test_a_date_in_the_body_is_not_the_speech_date(text):
    assert byline_date(text) is None


def test_precedence_given_date_over_byline(tmp_path):
    """--date wins over the byline; the byline over the text's years (README, build)."""
    f = tmp_path / "r.txt"
    f.write_text("下载\n打印\n2025年某市政府工作报告\n——2025年1月25日在某市人民代表大会上\n" + BODY, encoding="utf-8")
    assert read_speech(f).date == D(2025, 1, 25)
    assert read_speech(f).title == "2025年某市政府工作报告"
    assert read_speech(f, date=D(2025, 3, 1)).date == D(2025, 3, 1)
    out = tmp_path / "o.nq"
    res = CliRunner().invoke(cli, ["build", str(f), "-o", str(out), "--ner", "none", "--quiet"])
    assert res.exit_code == 0, res.output
    nq = out.read_text(encoding="utf-8")
    assert '"2025-01-25"^^<http://www.w3.org/2001/XMLSchema#date>' in nq
    assert '"2025年某市政府工作报告"@zh' in nq


#: the provincial reports of 2026 as saved from their sites (../shared/dev/full): title, date
PROVINCES = {
    "beijing": ("2026年北京市政府工作报告", D(2026, 1, 25)),
    "chongqing": ("2026年重庆市政府工作报告", D(2026, 1, 28)),
    "gansu": ("2026年甘肃省政府工作报告", D(2026, 1, 27)),
    "guangdong": ("政府工作报告", D(2026, 1, 26)),
    "hainan": ("政府工作报告", D(2026, 1, 27)),
    "heilongjiang": ("2026年黑龙江省政府工作报告", D(2026, 1, 31)),
    "hubei": ("2026年湖北省政府工作报告", D(2026, 1, 27)),
    "jiangsu": ("2026年江苏省政府工作报告", D(2026, 2, 3)),
    "neimenggu": ("2026年内蒙古自治区政府工作报告", D(2026, 2, 4)),
    "shandong": ("2026年山东省政府工作报告", D(2026, 1, 27)),
    "sichuan": ("2026年四川省人民政府工作报告", D(2026, 2, 3)),
    "xizang": ("2026年西藏自治区政府工作报告", D(2026, 1, 31)),
    "yunnan": ("2026年政府工作报告", D(2026, 1, 28)),
    "zhejiang": ("2026年浙江省政府工作报告", D(2026, 1, 14)),
}


@pytest.mark.parametrize("name", sorted(PROVINCES))
def test_provincial_reports_get_their_title_and_date(name):
    speech = read_speech(need_shared(SHARED / "dev" / "full" / f"gwr_prov_2026_{name}.txt"))
    assert (speech.title, speech.date) == PROVINCES[name]


def test_a_long_line_is_never_residue():
    """Navigation is short: a line of 300 navigation words is the speech's first line."""
    line = "下载 " * 300
    assert [h.residue for h in head(line + "\n正文。\n")] == [False, False]
    assert [h.residue for h in head("下载 " * 66 + "\n正文。\n")] == [True, False]  # 197 characters
