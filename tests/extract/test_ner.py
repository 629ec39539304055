"""The trained name model (LAC on ONNX Runtime) beside the rules, on sentences written for these
tests: what it proposes, what the rules keep of it, and `--ner none`."""

from __future__ import annotations

import numpy as np
import pytest

from speechkg.graph.build.steps import process
from speechkg.graph.extract import ner, proposed
from speechkg.graph.extract.lexicon import builtin
from speechkg.graph.model import Speech


def found(text: str, model: str = "lac") -> dict[str, set[tuple[str, str]]]:
    """type → {(text, rule)} of the mentions in `text`, built with that name model."""
    doc = process(Speech(text=text, source="inline.txt", year=2024), builtin().with_model(model))
    out: dict[str, set[tuple[str, str]]] = {}
    for m in doc.mentions:
        out.setdefault(m.type, set()).add((m.text, m.rule))
    return out


def test_the_model_tags_persons_organizations_and_places():
    text = "昨天下午，周文斌在兰州大学会见了来访的客人。"
    got = {(text[p.start : p.end], p.tag) for p in ner.tagger("lac").tag([text])[0]}
    assert got == {("周文斌", "PER"), ("兰州大学", "ORG")}
    assert all(0 < p.confidence <= 1 for p in ner.tagger("lac").tag([text])[0])


def test_a_batch_tags_each_piece_as_it_does_alone():
    pieces = ["张明远当天下午抵达。", "", "新华社记者从国家统计局获悉，粮食产量再创新高。", "王海。"]
    together = ner.tagger("lac").tag(pieces)
    assert together[1] == []
    for piece, tags in zip(pieces, together, strict=True):
        alone = ner.tagger("lac").tag([piece])[0]
        assert [(p.start, p.end, p.tag) for p in tags] == [(p.start, p.end, p.tag) for p in alone]


def _full_viterbi(emissions, transitions):
    """The textbook Viterbi over every tag at every position, for one row."""
    score, back = emissions[0].copy(), []
    for t in range(1, len(emissions)):
        total = score[:, None] + transitions
        back.append(total.argmax(axis=0))
        score = total.max(axis=0) + emissions[t]
    path = [int(score.argmax())]
    for best in reversed(back):
        path.append(int(best[path[-1]]))
    return path[::-1]


@pytest.mark.parametrize("seed", range(6))
def test_the_crf_decoding_is_exact(seed):
    """Fixing the sure positions and decoding only the runs between them gives the path the full
    Viterbi gives, on rows of a padded batch with sure and unsure positions mixed."""
    rng = np.random.default_rng(seed)
    transitions = rng.normal(scale=0.3, size=(6, 6))
    emissions = rng.normal(size=(4, 12, 6)) * rng.choice([0.2, 3.0], size=(4, 12, 1))
    lengths = np.array([12, 9, 3, 1])
    batch = ner._viterbi(np, emissions, transitions, lengths)
    for row, n in enumerate(lengths):
        assert batch[row, :n].tolist() == _full_viterbi(emissions[row, :n], transitions)


def test_names_no_rule_finds_come_from_the_model():
    text = "昨天，刘建国和陈晓梅在县城走访了困难群众。"
    assert found(text, "lac")["Person"] == {("刘建国", "ner-lac"), ("陈晓梅", "ner-lac")}
    assert "Person" not in found(text, "none")


def test_a_rule_keeps_what_it_finds_and_the_model_fills_in():
    text = "省委书记王立新主持会议，白俄罗斯外交部副部长李振华参加。"
    got = found(text)
    assert got["Person"] == {("王立新", "person-title"), ("李振华", "person-title")}
    assert got["Body"] == {("省委", "body-suffix"), ("白俄罗斯外交部", "ner-lac")}


def test_ner_none_is_the_rules_alone():
    """--ner none: no mention from the model, and every rule's mention the model does not
    overlap is found as with the model."""
    text = "市委书记赵光明出席会议并讲话。会后，孙立新、钱海波在兰州大学座谈，北京师范大学的周红梅介绍了情况。"
    none = process(Speech(text=text, source="inline.txt", year=2024), builtin().with_model("none"))
    lac = process(Speech(text=text, source="inline.txt", year=2024), builtin())
    assert not any(m.rule.startswith("ner-") for m in none.mentions)
    model = [m for m in lac.mentions if m.rule.startswith("ner-")]
    assert model and all(m.confidence is not None for m in model)
    overlapped = {m for m in none.mentions for n in model if m.start < n.end and n.start < m.end}
    apart = {(m.start, m.end, m.type) for m in none.mentions if m not in overlapped}
    assert apart <= {(m.start, m.end, m.type) for m in lac.mentions}


@pytest.mark.parametrize(
    "span, confidence, ok",
    [
        ("周文斌", 0.9, True),
        ("周文斌", 0.6, False),  # a Chinese name the model is unsure of (严私德 reads like one)
        ("吴老师", 0.99, False),  # a form of address
        ("毛方", 0.9, False),  # a country's side
        ("孟中", 0.9, False),  # a pair of countries
        ("韩美", 0.9, False),
        ("米尔济约耶夫", 0.55, True),  # transliterated, every character checked
    ],
)
def test_which_proposed_persons_the_rules_accept(span, confidence, ok):
    assert proposed.person(span, confidence) is ok


@pytest.mark.parametrize(
    "span, ok",
    [
        ("兰州大学", True),
        ("白俄罗斯外交部", True),
        ("乌克兰政府", True),
        ("各级政府", False),  # a generic collective
        ("省级政府", False),
        ("成员国政府", False),
        ("中央部委", False),
        ("首尔西部", False),  # a compass part
        ("国家发展改革委会同财政部", False),  # two organs joined
        ("新时代党", False),  # no party's name
        ("靖国神社", False),  # a shrine
        ("社区医院", False),  # a kind of unit
        ("同政府军", False),  # a preposition glued on
    ],
)
def test_which_proposed_organizations_the_rules_accept(span, ok):
    assert proposed.body(span, 0.9) is ok


def test_proposals_in_the_rules_frames_are_dropped():
    text = "（记者 王海涛）文化部门会同民政部门开展活动。台风“卡努”登陆，各类金融控股公司要依法经营。"
    got = found(text)
    assert "Person" not in got
    assert not any(rule.startswith("ner-") for _, rule in got.get("Body", set()))


def test_a_foreign_name_runs_on_past_a_dot_or_a_regnal_number():
    got = found("斯德哥尔摩会见了瑞典国王卡尔十六世·古斯塔夫，黎首都贝鲁特南郊遭袭。")
    assert got == {"Person": {("卡尔十六世·古斯塔夫", "ner-lac")}}


def test_two_organs_the_rules_find_stay_two():
    got = found("在中央纪委国家监委的领导下开展工作。")
    assert {t for t, _ in got["Body"]} == {"中央纪委", "国家监委"}


def test_an_unknown_model_is_a_one_line_error():
    from speechkg.graph.build.steps import lexicon_for
    from speechkg.graph.errors import InputError

    with pytest.raises(InputError, match="no name model 'bert'; give one of lac, none"):
        lexicon_for(None, "bert")


def test_the_model_reads_only_around_what_may_be_a_name():
    """A long clause is read in windows around a surname that begins no word, an organ's head
    and a run of transliteration characters; a clause with none of them is not read."""
    from speechkg.graph.model import Doc
    from speechkg.graph.segment import segment

    text = (
        "要坚持稳中求进工作总基调，持续推动经济实现质的有效提升和量的合理增长，并且周文斌在兰州大学指出要继续努力奋斗。"
    )
    doc = segment(Doc(speech=Speech(text=text, source="inline.txt")))
    read = list(proposed.pieces(doc))
    assert all(text[o : o + len(p)] == p for o, p in read)
    assert not any(o < text.index("，") for o, _ in read)  # the first clause holds no name
    covered = "".join(p for _, p in read)
    assert "周文斌" in covered and "兰州大学" in covered
    assert sum(map(len, (p for _, p in read))) < len(text) // 2


def test_the_graph_records_the_model_and_its_confidence(tmp_path):
    from speechkg import api

    kg = api.build_text("昨天，刘建国和陈晓梅在县城走访了困难群众。", date="2024-01-02")
    (m,) = kg.mentions("刘建国")
    assert m.rule == "ner-lac" and 0.8 <= m.confidence <= 1
    kg.serialize(tmp_path / "lac.ttl")
    ttl = (tmp_path / "lac.ttl").read_text(encoding="utf-8")
    assert f"skg:confidence {m.confidence:.3f} ;" in ttl and 'skg:rule "ner-lac"' in ttl
    none = api.build_text("昨天，刘建国和陈晓梅在县城走访了困难群众。", date="2024-01-02", ner="none")
    none.serialize(tmp_path / "none.ttl")
    assert "skg:confidence" not in (tmp_path / "none.ttl").read_text(encoding="utf-8")
    assert not none.find("刘建国")


@pytest.mark.parametrize(
    "text, bodies",
    [
        # prose of foreign relations: the states act, each side's 方 is its state
        (
            "中方愿同毛方加强合作。毛里塔尼亚总统加兹瓦尼表示，中国是好朋友，坚持中国特色社会主义。",
            {("中国", frozenset({"中方"})), ("毛里塔尼亚", frozenset({"毛方"}))},
        ),
        (
            "两国元首同意加强合作，中国愿同俄方一道努力。俄罗斯总统普京表示赞同。",
            {("中国", frozenset()), ("俄罗斯", frozenset({"俄方", "俄罗斯联邦"}))},
        ),
        # a state before its head's title, in a talk too, with the 国 its name ends in
        (
            "李长春与孟加拉国总理哈西娜举行会谈，中方愿加强合作。",
            {("中国", frozenset({"中方"})), ("孟加拉国", frozenset())},
        ),
        # a work report's 中国 is no party
        ("我们要建设中国式现代化，中国经济持续回升向好。", set()),
    ],
)
def test_states_act_in_the_prose_of_foreign_relations(text, bodies):
    doc = process(Speech(text=text, source="inline.txt", year=2024))
    assert {(e.label, frozenset(e.aliases)) for e in doc.entities if e.type == "Body"} == bodies


def test_two_characters_the_model_proposed_are_not_looked_for_elsewhere():
    """A two-character name a rule found is a mention wherever it recurs; one the model proposed is
    not (two characters are too common a substring: a run of surnames would make thousands)."""
    from speechkg.graph.extract import propagate
    from speechkg.graph.model import Doc, Mention

    doc = Doc(speech=Speech(text="王刚说。会后王刚走访群众。", source="inline.txt"))
    for rule, expected in (("person-title", [(6, 8)]), ("ner-lac", [])):
        first = [Mention(0, 2, "王刚", "Person", "王刚", rule)]
        assert [(m.start, m.end) for m in propagate(doc, first)] == expected
