"""`speechkg posts` and the saved query `holders` (issue 25): each person's posts with the first
and last dates the speeches state them, as CSV and as a table; former posts attest no tenure."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from speechkg import api
from speechkg.cli import cli

from ..conftest import build_dated

runner = CliRunner()

TEXTS = {
    "a.txt": ("全国政协副主席赵明远主持会议。国务委员吴志刚出席。", "2030-03-05"),
    "b.txt": ("全国政协副主席赵明远出席。委员长孙立群主持会议。", "2031-06-01"),
    "c.txt": ("全国政协副主席赵明远讲话。会见了原国务院副总理郑国平。", "2032-01-20"),
}


@pytest.fixture(scope="module")
def news(tmp_path_factory):
    d = tmp_path_factory.mktemp("posts")
    return build_dated(d, TEXTS, "news.nq")


HEAD = ["person", "role", "role_en", "body", "first", "last", "statements"]


def test_each_persons_posts_as_csv(news, tmp_path):
    out = tmp_path / "posts.csv"
    r = runner.invoke(cli, ["posts", str(news), "-o", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert rows == [  # 郑国平's post is former: no tenure
        HEAD,
        ["吴志刚", "国务委员", "State Councilor", "国务院", "2030-03-05", "2030-03-05", "1"],
        ["孙立群", "委员长", "Chairman", "全国人大常委会", "2031-06-01", "2031-06-01", "1"],
        ["赵明远", "副主席", "Vice Chairperson", "全国政协", "2030-03-05", "2032-01-20", "3"],
    ]


def test_one_persons_posts_as_a_table(news):
    r = runner.invoke(cli, ["posts", str(news), "--person", "赵明远"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].split() == HEAD and len(lines) == 3
    assert lines[2].split() == ["赵明远", "副主席", "Vice", "Chairperson", "全国政协", "2030-03-05", "2032-01-20", "3"]
    assert [[str(c) for c in p.cells()] for p in api.open_graph([str(news)]).posts("赵明远")] == [
        ["赵明远", "副主席", "Vice Chairperson", "全国政协", "2030-03-05", "2032-01-20", "3"]
    ]


def test_an_unknown_person_is_one_line(news):
    r = runner.invoke(cli, ["posts", str(news), "--person", "无名氏"])
    why = "Error: the graph states no post of '无名氏'; "
    assert (r.exit_code, r.output) == (1, why + "`speechkg query GRAPH --saved holders` lists the posts there are\n")


def test_holders_of_one_post(news):
    r = runner.invoke(
        cli,
        [
            "query",
            str(news),
            "--saved",
            "holders",
            "--param",
            "role=副主席",
            "--param",
            "body=全国政协",
            "--format",
            "csv",
        ],
    )
    assert r.exit_code == 0, r.output
    assert list(csv.reader(r.output.splitlines())) == [
        HEAD,
        ["赵明远", "副主席", "Vice Chairperson", "全国政协", "2030-03-05", "2032-01-20", "3"],
    ]


def test_a_gantt_of_attested_tenure(news, tmp_path):
    """One bar per post, labelled with the person, body and role; the same bytes on every run."""
    out = tmp_path / "posts.svg"
    r = runner.invoke(cli, ["posts", str(news), "-o", str(out)])
    assert r.exit_code == 0, r.output
    svg = out.read_text(encoding="utf-8")
    assert svg.count('id="posts"') == 3  # one bar per post
    for label in ("赵明远 · 全国政协副主席", "吴志刚 · 国务院国务委员", "孙立群 · 全国人大常委会委员长"):
        assert label in svg
    again = tmp_path / "again.svg"
    assert runner.invoke(cli, ["posts", str(news), "-o", str(again)]).exit_code == 0
    assert again.read_bytes() == out.read_bytes()
