"""Datelines of news items (26日, 当地时间26日, 今天上午, 昨天) resolved against the item's date."""

from __future__ import annotations

import datetime as dt

import pytest

from speechkg.graph.extract.dates import dates, day_of_month
from speechkg.graph.model import Doc, Speech

ON = dt.date(2024, 3, 20)


def values(text: str, on: dt.date | None = ON) -> dict[str, str]:
    doc = Doc(speech=Speech(text=text, date=on, year=on.year if on else 2024))
    return {m.text: m.value for m in dates(doc)}


def test_day_of_month_this_month_or_the_month_before():
    assert day_of_month(20, ON) == dt.date(2024, 3, 20)
    assert day_of_month(3, ON) == dt.date(2024, 3, 3)
    assert day_of_month(29, ON) == dt.date(2024, 2, 29)  # still to come in March: February's
    assert day_of_month(31, dt.date(2024, 3, 20)) is None  # no 31 February
    assert day_of_month(28, dt.date(2024, 1, 5)) == dt.date(2023, 12, 28)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("国务院副总理张明18日在京出席论坛并致辞。", {"18日": "2024-03-18"}),
        ("9日，市长主持召开常务会议。", {"9日": "2024-03-09"}),
        ("当地时间25日，两国元首举行会谈。", {"25日": "2024-02-25"}),
        ("本月12日下午，大会开幕。", {"12日": "2024-03-12"}),
        ("新华社北京十九日电 会议召开。", {"十九日": "2024-03-19"}),
        ("今天上午，论坛在京开幕。", {"今天": "2024-03-20"}),
        ("昨天，代表团抵达。", {"昨天": "2024-03-19"}),
        ("市委前天召开会议。", {"前天": "2024-03-18"}),
    ],
)
def test_datelines(text, expected):
    assert values(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "今天的城市面貌焕然一新。",  # nowadays, not a day
        "连续30日无新增，第3日起放开。",  # a count and an ordinal
        "每月15日前完成申报。",  # a day of every month
        "一日三餐，三日之内办结。",
        "会期为3日至5日。",  # 5日 closes a span; 3日 has no verb after it
    ],
)
def test_not_datelines(text):
    assert values(text) == {}


def test_no_dateline_without_the_items_date():
    assert values("国务院副总理张明18日在京出席论坛。", None) == {}
    assert values("3月5日，大会开幕。", ON) == {"3月5日": "2024-03-05"}


def test_a_part_of_a_month_is_that_month():
    assert values("6月底前要全面完成植树任务。", None) == {"6月底": "2024-06"}
    assert values("去年12月中旬召开会议。", None) == {"去年12月中旬": "2023-12"}
    # a month alone is too often a count of months
    assert values("3个月内完成，共3月。", None) == {}


@pytest.mark.parametrize(
    "text,on,expected",
    [
        # a dateline's span of days: both days, resolved as a dateline's day
        ("11日至12日，国务院副总理在银川考察。", ON, {"11日": "2024-03-11", "12日": "2024-03-12"}),
        ("全国职业教育工作会议23至24日在京召开。", dt.date(2024, 6, 24), {"23": "2024-06-23", "24日": "2024-06-24"}),
        ("28日到29日，多地发生降雨。", dt.date(2024, 3, 1), {"28日": "2024-02-28", "29日": "2024-02-29"}),
        # still to come: this month's days
        ("代表团将于25日至28日在各地慰问。", dt.date(2025, 9, 25), {"25日": "2025-09-25", "28日": "2025-09-28"}),
        # after a date with its month: the last day of the span in that month
        ("3月5日至11日，全国人大会议在北京举行。", ON, {"3月5日": "2024-03-05", "11日": "2024-03-11"}),
        ("2023年10月17日—18日，论坛举行。", ON, {"2023年10月17日": "2023-10-17", "18日": "2023-10-18"}),
    ],
)
def test_spans_of_days(text, on, expected):
    assert values(text, on) == expected
