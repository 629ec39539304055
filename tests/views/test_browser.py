"""The HTML page in a real headless Chromium with the network blocked."""

from __future__ import annotations

import io
import shutil
import time

import pytest
from click.testing import CliRunner
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from speechkg.cli import cli

from ..browser import CHROMEDRIVER, CHROMIUM, chromium, js_errors, network_requests

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)),
        reason="Debian's chromium and chromium-driver are not installed",
    ),
]

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(2)</script>"
HOSTILE = (
    f"1月21日，省委召开工作会议。要深入开展{IMG}，推进{SCRIPT}，"
    "落实《<b onmouseover=alert(3)>条例》。全总充分肯定“<svg onload=alert(4)>”活动。"
)
# the lexicon makes the hostile strings names, so that they become labels in the page
LEXICON = f'label,type,aliases\n"{IMG}",Campaign,\n"{SCRIPT}",Concept,\n'


@pytest.fixture(scope="module")
def driver():
    with chromium() as d:
        yield d


def build_page(tmp_path, text: str, *view_args: str) -> tuple[str, int]:
    speech = tmp_path / "speech.txt"
    speech.write_text(text, encoding="utf-8")
    lexicon = tmp_path / "lexicon.csv"
    lexicon.write_text(LEXICON, encoding="utf-8")
    ttl, page = tmp_path / "g.ttl", tmp_path / "g.html"
    r = CliRunner().invoke(
        cli, ["build", str(speech), "-o", str(ttl), "--date", "2022-03-01", "--lexicon", str(lexicon)]
    )
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["view", str(ttl), "-o", str(page), *view_args])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(
        cli,
        [
            "query",
            str(ttl),
            "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e skos:prefLabel ?l ; a ?t . FILTER(?t != skg:Section) }",
            "--format",
            "csv",
        ],
    )
    return page.as_uri(), int(r.stdout_bytes.decode().split()[-1])


def load(driver, url: str, seconds: float = 120) -> None:
    """Open `url` and wait until the graph is drawn and settled (returns as soon as it is; the
    limit is wall time, with room for a loaded machine)."""
    driver.get_log("performance")
    driver.get_log("browser")
    driver.get(url)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if driver.execute_script(
            "return !!(window.speechkg && window.speechkg.state.drawn && window.speechkg.state.settled)"
        ):
            return
        time.sleep(0.1)
    raise AssertionError("the graph did not draw and settle in time")


def test_seed_page_loads_offline_and_draws_every_entity(driver, seed_page, seed_ttl):
    from speechkg.graph.rdf import parse as rdf_parse
    from speechkg.graph.views.network import entity_graph

    load(driver, seed_page)
    assert network_requests(driver) == []
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert js_errors(driver) == []
    n = entity_graph(rdf_parse.load([str(seed_ttl)])).number_of_nodes()
    assert driver.execute_script("return window.speechkg.drawnCount()") == n > 50


def test_search_focuses_the_node_by_any_label(driver, seed_page):
    load(driver, seed_page)
    box = driver.find_element(By.ID, "search")
    box.clear()
    box.send_keys("中华全国总工会", Keys.ENTER)  # an alias of 全总
    selected = driver.execute_script("return window.speechkg.network.getSelectedNodes()")
    assert len(selected) == 1
    panel = driver.find_element(By.ID, "panel").text
    assert panel.startswith("全总")
    assert "来源句子" in panel and driver.find_elements(By.CSS_SELECTOR, "#panel mark")[0].text == "全总"


def test_type_filters_hide_and_show(driver, seed_page):
    load(driver, seed_page)
    total = driver.execute_script("return window.speechkg.drawnCount()")
    bodies = driver.execute_script("return window.speechkg.nodes.get().filter(n => n.shape === 'box').length")
    box = driver.find_element(By.CSS_SELECTOR, "#types input[data-type='Body']")
    box.click()
    assert driver.execute_script("return window.speechkg.drawnCount()") == total - bodies
    box.click()
    assert driver.execute_script("return window.speechkg.drawnCount()") == total


def test_speech_and_section_toggle(driver, seed_page):
    load(driver, seed_page)
    total = driver.execute_script("return window.speechkg.drawnCount()")
    driver.find_element(By.ID, "speech-toggle").click()
    assert driver.execute_script("return window.speechkg.drawnCount()") == total + 1 + 16  # speech + sections
    driver.find_element(By.ID, "speech-toggle").click()
    assert driver.execute_script("return window.speechkg.drawnCount()") == total


def test_hostile_labels_show_as_text_and_run_nothing(driver, tmp_path):
    url, n = build_page(tmp_path, HOSTILE, "--title", "<script>alert(5)</script>")
    load(driver, url)
    time.sleep(0.5)
    with pytest.raises(NoAlertPresentException):
        _ = driver.switch_to.alert.text
    assert driver.title == "<script>alert(5)</script>"
    assert js_errors(driver) == []
    assert driver.execute_script("return window.speechkg.drawnCount()") == n
    labels = driver.execute_script("return window.speechkg.nodes.get().map(n => n.label)")
    assert {IMG, SCRIPT, "<b onmouseover=alert(3)>条例"} <= set(labels)
    for label in (IMG, SCRIPT):
        assert driver.execute_script("return window.speechkg.search(arguments[0])", label)
        panel = driver.find_element(By.ID, "panel")
        assert panel.text.splitlines()[0] == label
        assert label in panel.find_element(By.TAG_NAME, "mark").text
        assert driver.find_elements(By.CSS_SELECTOR, "#panel img, #panel svg, #panel b, #panel script") == []
    assert driver.execute_script("return document.querySelectorAll('img, svg, b, body script[src]').length") == 0
    assert driver.execute_script("return document.scripts.length") == 3  # vis, data, app: nothing injected


def test_options_filter_the_page(driver, tmp_path, seed_ttl):
    page = tmp_path / "p.html"
    r = CliRunner().invoke(
        cli, ["view", str(seed_ttl), "-o", str(page), "--types", "Meeting,Body", "--min-degree", "1", "--no-physics"]
    )
    assert r.exit_code == 0
    load(driver, page.as_uri())
    types = set(driver.execute_script("return window.speechkg.nodes.get().map(n => n.shape)"))
    assert types <= {"triangle", "box"}
    assert driver.execute_script("return window.speechkg.state.settled") is True


def test_bad_types_option(seed_ttl, tmp_path):
    r = CliRunner().invoke(cli, ["view", str(seed_ttl), "-o", str(tmp_path / "p.html"), "--types", "Foo"])
    assert r.exit_code == 2 and "unknown type(s) Foo" in r.output


def test_screenshot_is_not_blank(driver, seed_page, tmp_path):
    from PIL import Image

    load(driver, seed_page)
    png = driver.get_screenshot_as_png()
    img = Image.open(io.BytesIO(png)).convert("RGB").resize((350, 225))
    colors = img.getcolors(maxcolors=1 << 16)
    assert colors is not None and len(colors) > 50
    (tmp_path / "seed.png").write_bytes(png)
