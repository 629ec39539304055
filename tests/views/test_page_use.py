"""The page as a first-day analyst uses it (issue 28) and its co-mentions in a long sentence
(issue 27, B4), in headless Chromium with the network blocked."""

from __future__ import annotations

import shutil

import pytest
from selenium.webdriver.common.by import By

from speechkg.graph.views import page as html
from speechkg.graph.views.data import CO_WINDOW
from speechkg.ontology.namespace import SKG

from ..browser import CHROMEDRIVER, CHROMIUM, chromium, js_errors
from .test_browser import load
from .test_corpus_page import co_edges, js
from .wide_graph import LABEL, TYPE, iri, label, wide

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)),
        reason="Debian's chromium and chromium-driver are not installed",
    ),
]

# every name of the entity whose label is arguments[0], lower-cased
NAMES = """const d = JSON.parse(document.getElementById('speechkg-data').textContent).ent;
const i = d.label.indexOf(arguments[0]);
return [d.label[i], d.en[i], d.py[i]].concat(d.aliases[i]).filter(Boolean).join(' ').toLowerCase();"""
# the type of each entity drawn
TYPES = """const d = JSON.parse(document.getElementById('speechkg-data').textContent);
return window.speechkg.nodes.get().filter((n) => n.id[0] === 'e')
  .map((n) => d.typeNames[d.ent.type[Number(n.id.slice(1))]]);"""
SET_DATE = (
    "const x = document.getElementById(arguments[0]); x.value = arguments[1]; x.dispatchEvent(new Event('change'))"
)


@pytest.fixture(scope="module")
def driver():
    with chromium() as d:
        yield d


def write(tmp_path, name: str, source, **opts) -> str:
    out = tmp_path / name
    out.write_text(html.render(source, html.ViewOptions(**opts)), encoding="utf-8")
    return out.as_uri()


def neighbours(driver, key: str) -> dict[str, int]:
    """The co-mention edges around the entity `key` after a search: partner's label → weight."""
    assert js(driver, "return window.speechkg.search(arguments[0])", label(key))
    labels = dict(js(driver, "return window.speechkg.nodes.get().map(n => [n.id, n.label])"))
    me = next(i for i, lab in labels.items() if lab == label(key))
    return {labels[b if a == me else a]: w for a, b, w in co_edges(driver)}


def test_the_page_counts_co_mentions_in_a_long_sentence_as_the_library_does(driver, tmp_path):
    keys = [f"w{(7 * k) % 40}" for k in range(40)]
    load(driver, write(tmp_path, "wide.html", wide([keys, keys[:5]])))
    at = keys.index("w20")
    expected = {label(k): 1 for k in keys[max(0, at - CO_WINDOW) : at + CO_WINDOW + 1] if k != "w20"}
    assert neighbours(driver, "w20") == expected  # from the page's co-mentions
    js(driver, SET_DATE, "from", "2022-01-01")  # a date range: counted by the page from the sentences
    assert neighbours(driver, "w20") == expected
    near = {label(k): 2 if k in keys[:5] else 1 for k in keys[: CO_WINDOW + 1] if k != keys[0]}
    assert neighbours(driver, keys[0]) == near
    js(driver, SET_DATE, "from", "")
    assert neighbours(driver, keys[0]) == near
    assert js_errors(driver) == []


def test_the_first_keystroke_in_the_search_box_suggests_names(driver, seed_page):
    load(driver, seed_page)
    driver.find_element(By.ID, "search").send_keys("总工")  # no search made before
    assert js_errors(driver) == []
    options = js(driver, "return Array.from(document.querySelectorAll('#names option')).map(o => o.value)")
    assert options and all("总工" in o or "总工" in js(driver, NAMES, o) for o in options)
    assert "全总" in options  # found by its alias 中华全国总工会


def test_a_corpus_overview_opens_without_dates_and_one_click_shows_them(driver, tmp_path):
    from .corpus_graph import corpus

    ds = corpus(400, per=40)  # one entity in eight a Date
    load(driver, write(tmp_path, "corpus.html", ds))
    types = js(driver, TYPES)
    assert len(types) == 300 and "Date" not in types and len(set(types)) == 7
    box = driver.find_element(By.CSS_SELECTOR, "#types input[data-type='Date']")
    assert not box.is_selected()
    box.click()
    types = js(driver, TYPES)
    assert len(types) == 300 and types.count("Date") > 30
    # a graph drawn whole shows its dates from the start
    load(driver, write(tmp_path, "small.html", corpus(20)))
    assert "Date" in js(driver, TYPES)
    assert driver.find_element(By.CSS_SELECTOR, "#types input[data-type='Date']").is_selected()


def test_a_graph_without_mentions_opens_on_its_most_related_entities(driver, tmp_path):
    # another tool's graph of the same vocabulary: 10 bodies with 30 members each, no text at all
    triples = []
    for h in range(10):
        hub = iri(f"h{h}")
        triples += [(hub, TYPE, str(SKG.Body), None), (hub, LABEL, label(f"h{h}"), "zh")]
        for k in range(30):
            person = iri(f"p{h}_{k}")
            triples += [(person, TYPE, str(SKG.Person), None), (person, LABEL, label(f"p{h}_{k}"), "zh")]
            triples.append((person, str(SKG.member), hub, None))
    load(driver, write(tmp_path, "construct.html", triples))
    drawn = set(js(driver, "return window.speechkg.nodes.get().map(n => n.label)"))
    assert len(drawn) == 300 and {label(f"h{h}") for h in range(10)} <= drawn
    assert js(driver, "return window.speechkg.edges.get().filter(e => e.id[0] === 'r').length") > 250
    assert "no mentions: by relations" in js(driver, "return document.getElementById('status').textContent")
    assert js_errors(driver) == []


# the nodes whose box, label included, is not wholly on the canvas
CUT = """const k = window.speechkg, n = k.network, g = document.getElementById('graph'); n.redraw();
return k.nodes.getIds().filter((id) => { const bb = n.getBoundingBox(id);
  const a = n.canvasToDOM({x: bb.left, y: bb.top}), b = n.canvasToDOM({x: bb.right, y: bb.bottom});
  return a.x < 0 || a.y < 0 || b.x > g.clientWidth || b.y > g.clientHeight; });"""


def long_names(monkeypatch, n: int):
    from . import wide_graph

    monkeypatch.setattr(
        wide_graph, "label", lambda k: f"中国共产党第二十次全国代表大会第一次全体会议暨第{k}号专题工作会议报告"
    )
    return wide([[f"k{i}" for i in range(n)], ["k0", "k1"]], kind="Meeting")


def test_long_labels_are_not_cut_at_the_edges_of_the_canvas(driver, tmp_path, monkeypatch):
    load(driver, write(tmp_path, "long.html", long_names(monkeypatch, 6)))  # drawn whole, physics settled
    assert js(driver, CUT) == []
    js(driver, "window.speechkg.setLang('en')")
    assert js(driver, CUT) == []
    assert js(driver, "return window.speechkg.search(arguments[0])", "第k3号")
    assert js(driver, CUT) == []
    driver.set_window_size(900, 700)
    try:
        js(driver, "return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        assert js(driver, CUT) == []
    finally:
        driver.set_window_size(1400, 900)


def test_english_labels_are_whole_up_to_twice_the_chinese_limit_and_the_tooltip_has_the_rest(driver, tmp_path):
    from .corpus_graph import corpus

    long = "Central Commission for Discipline Inspection of the Communist Party of China and its Standing Committee"
    ds = corpus(60, english={"e0": "Entity Zero <img src=x onerror=alert(1)>", "e1": long})
    load(driver, write(tmp_path, "en.html", ds, max_nodes=40))
    js(driver, "window.speechkg.setLang('en')")
    labels = set(js(driver, "return window.speechkg.nodes.get().map(n => n.label)"))
    assert {"Entity Zero <img src=x onerror=alert(1)>", "All-China Federation of Trade Unions"} <= labels
    (cut,) = [lab for lab in labels if lab.startswith("Central Commission")]
    assert cut.endswith("…") and len(cut) > 40
    tooltip = js(
        driver, "return window.speechkg.nodes.get().find(n => n.label === arguments[0]).title.textContent", cut
    )
    assert long in tooltip
    assert js(driver, CUT) == [] and js_errors(driver) == []
