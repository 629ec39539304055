"""`speechkg targets` (issue 26): the numeric targets of reports as a table, CSV and charts, and
the graph's contract for them (the shapes catch a target without its parts)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from speechkg.cli import cli

from ..conftest import ROOT, build_dated  # noqa: F401

runner = CliRunner()

NATIONAL = (
    "我代表国务院，向大会报告政府工作。今年发展主要预期目标是：国内生产总值增长{g}左右；"
    "城镇新增就业{j}万人以上；居民消费价格涨幅{c}左右。今年赤字率拟按{d}安排。"
)
PROVINCE = (
    "——2030年1月20日在{p}第十五届人民代表大会第三次会议上。我代表省人民政府，向大会报告政府工作。"
    "今年经济社会发展主要预期目标是：地区生产总值增长{g}。"
)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    d = tmp_path_factory.mktemp("reports")
    texts = {
        "n2028.txt": (NATIONAL.format(g="5.5%", j=1100, c="3%", d="3%"), "2028-03-05"),
        "n2029.txt": (NATIONAL.format(g="5%", j=1200, c="2%", d="3.5%左右"), "2029-03-05"),
        "n2030.txt": (NATIONAL.format(g="5%", j=1200, c="2%", d="4%左右"), "2030-03-05"),
        "hunan.txt": (PROVINCE.format(p="湖南省", g="5.5%左右"), "2030-01-20"),
        "jilin.txt": (PROVINCE.format(p="吉林省", g="4.5%—5%"), "2030-01-21"),
    }
    return build_dated(d, texts, "reports.nq")


def _csv(output: str) -> list[list[str]]:
    import csv

    return list(csv.reader(output.splitlines()))


def test_the_gdp_growth_target_by_year_and_body(reports):
    r = runner.invoke(cli, ["targets", str(reports), "--indicator", "gdp-growth", "-o", "-"])
    assert r.exit_code == 0, r.output
    rows = _csv(r.output)
    assert rows[0][:9] == ["year", "body", "key", "indicator", "indicator_en", "value", "upper", "unit", "qualifier"]
    got = sorted((row[0], row[1], row[5], row[6], row[8]) for row in rows[1:])
    centre = got[0][1]
    assert centre in {"国务院", "中央人民政府"}
    assert got == sorted(
        [
            ("2028", centre, "5.5", "", "左右"),
            ("2029", centre, "5", "", "左右"),
            ("2030", centre, "5", "", "左右"),
            ("2030", "湖南省人民政府", "5.5", "", "左右"),
            ("2030", "吉林省人民政府", "4.5", "5", "区间"),
        ]
    )


@pytest.mark.parametrize("name", ["deficit-ratio", "赤字率", "deficit-to-GDP ratio"])
def test_an_indicator_is_named_by_key_or_label(reports, name):
    r = runner.invoke(cli, ["targets", str(reports), "--indicator", name, "-o", "-"])
    assert r.exit_code == 0, r.output
    assert sorted((row[0], row[5], row[8]) for row in _csv(r.output)[1:]) == [
        ("2028", "3", ""),
        ("2029", "3.5", "左右"),
        ("2030", "4", "左右"),
    ]


def test_an_unknown_indicator_is_one_line(reports):
    r = runner.invoke(cli, ["targets", str(reports), "--indicator", "钢产量"])
    assert r.exit_code == 1
    assert r.output == (
        "Error: no target of the indicator '钢产量' in the graph; "
        "`speechkg query GRAPH --saved targets` lists the targets there are\n"
    )


def test_a_graph_without_targets_is_one_line(seed_ttl):
    r = runner.invoke(cli, ["targets", str(seed_ttl)])
    assert r.exit_code == 1
    assert "holds no numeric target" in r.output and r.output.count("\n") == 1


def test_the_table_without_o_lists_each_target_once(reports):
    r = runner.invoke(cli, ["targets", str(reports), "--indicator", "new urban jobs"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].split()[:4] == ["year", "body", "key", "indicator"]
    assert [line.split()[0] for line in lines[2:]] == ["2028", "2029", "2030"]


def test_charts_by_year_and_of_one_year(reports, tmp_path):
    svg = tmp_path / "gdp.svg"
    r = runner.invoke(cli, ["targets", str(reports), "--indicator", "gdp-growth", "-o", str(svg)])
    assert r.exit_code == 0, r.output
    text = svg.read_text(encoding="utf-8")
    assert "Targets by year, 2028–2030" in text and "湖南省人民政府" in text
    assert text.count('id="series-') == 3  # the centre, Hunan, Jilin


def test_the_targets_of_one_year_are_bars_against_the_centre(reports):
    from speechkg import api
    from speechkg.graph.views import charts, targets

    rows = [r for r in api.open_graph(reports).targets("gdp-growth") if r.year == 2030]
    assert len(rows) == 3
    svg = charts.to_svg(targets.chart(rows)).decode("utf-8")
    assert "Targets for 2030: 国内生产总值增长, by body" in svg
    assert svg.count('id="bars"') == 2  # the two provinces' bars
    assert "湖南省人民政府" in svg and "吉林省人民政府" in svg
    assert ": 5%" in svg  # the centre's target as the line to compare against


def test_the_same_build_gives_the_same_chart(reports, tmp_path):
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    for out in (a, b):
        assert runner.invoke(cli, ["targets", str(reports), "-o", str(out)]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_a_target_without_its_value_breaks_the_shapes(reports, tmp_path):
    broken = tmp_path / "broken.nq"
    lines = [
        line
        for line in reports.read_text(encoding="utf-8").splitlines()
        if "speechkg#value>" not in line or "target-" not in line.split()[0]
    ]
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert runner.invoke(cli, ["validate", str(reports)]).exit_code == 0
    r = runner.invoke(cli, ["validate", str(broken)])
    assert r.exit_code == 1 and "a target has one xsd:decimal value" in r.output


def test_compare_reports_a_changed_target_as_a_number(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(
        "今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上；居民消费价格涨幅3%左右。",
        encoding="utf-8",
    )
    b.write_text(
        "今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1100万人以上；居民消费价格涨幅2%左右。",
        encoding="utf-8",
    )
    for src in (a, b):
        r = runner.invoke(cli, ["build", str(src), "-o", str(src.with_suffix(".ttl")), "--ner", "none", "--quiet"])
        assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["compare", str(a.with_suffix(".ttl")), str(b.with_suffix(".ttl"))])
    assert r.exit_code == 0, r.output
    assert r.output.split("\n\n", 1)[1] == (
        "changed targets:\n  居民消费价格涨幅: 3%左右 → 2%左右\n  城镇新增就业: 1200万人以上 → 1100万人以上\n"
    )
    assert "changed wording" not in r.output
