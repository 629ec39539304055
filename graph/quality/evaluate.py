"""Precision, recall and F1 of a graph against a hand annotation (gold JSON), or of
speechkg itself over an annotated set of texts (pooled, as ../shared/eval/score_set.py).

Matching follows ANNOTATION.md and the project's scorer: an entity matches a gold
entity of the same type when one of its labels equals one of the gold's labels after
normalisation (NFKC; quotation marks, 《》 and spaces removed); dates match by value.
Optional gold entities and relations are never missed, and finding one is no error.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, Dataset

from speechkg.graph.errors import InputError
from speechkg.graph.rdf.rows import Entity, Rows
from speechkg.graph.read.files import read_text
from speechkg.graph.text import norm
from speechkg.ontology.namespace import ENTITY_TYPES, SKG
from speechkg.ontology.types import CORE_TYPES

#: the types of the core-F1 (ontology/types.tsv)
CORE = CORE_TYPES
RELATIONS = ("date", "organizer", "chair", "speaker", "proposedBy", "endorsedBy")


@dataclass
class Score:
    gold: int
    predicted: int
    precision: float
    recall: float
    f1: float
    missed: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)


@dataclass
class Report:
    types: dict[str, Score]
    relations: Score

    @property
    def core_f1(self) -> float:
        return round(sum(self.types[t].f1 for t in CORE) / len(CORE), 4)

    def as_dict(self) -> dict:
        def d(s: Score) -> dict:
            return dict(s.__dict__)

        return {
            "types": {t: d(s) for t, s in self.types.items()},
            "relations": d(self.relations),
            "core_f1": self.core_f1,
        }


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def load_gold(path: str | Path) -> dict:
    """Read a gold JSON file and check its shape (see `check_gold`)."""
    text = read_text(path, "gold file")
    try:
        gold = json.loads(text)
    except RecursionError:
        raise InputError(f"{path}: not a readable gold JSON file (nested too deeply)") from None
    except ValueError as exc:
        raise InputError(f"{path}: not a readable gold JSON file ({exc})") from None
    return check_gold(gold, str(path))


def _shown(value: object) -> str:
    """A value for a one-line message: as JSON, at most 40 characters; objects and lists by kind."""
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "a list"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def _string(item: dict, key: str, where: str) -> str:
    if key not in item:
        raise InputError(f"{where} has no {key!r}")
    value = item[key]
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: {key!r} must be a non-empty string, not {_shown(value)}")
    return value


def check_gold(gold: object, where: str = "gold") -> dict:
    """The one check of a gold annotation's shape (ANNOTATION.md): `gold` unchanged, or an
    InputError naming `where` (the file) and the first thing wrong, e.g. `entities[3] has no 'type'`."""
    if not isinstance(gold, dict) or not isinstance(gold.get("entities"), list):
        raise InputError(f"{where}: a gold file needs an 'entities' list (see ANNOTATION.md)")
    labels = set()
    for i, ent in enumerate(gold["entities"]):
        at = f"{where}: entities[{i}]"
        if not isinstance(ent, dict):
            raise InputError(f"{at} must be an object with type and label, not {_shown(ent)}")
        t = _string(ent, "type", at)
        if t not in ENTITY_TYPES:
            raise InputError(f"{at}: type {_shown(t)} is not one of {', '.join(ENTITY_TYPES)}")
        labels.add(_string(ent, "label", at))
        aliases = ent.get("aliases", [])
        if not isinstance(aliases, list):
            raise InputError(f"{at}: 'aliases' must be a list of strings, not {_shown(aliases)}")
        for j, alias in enumerate(aliases):
            if not isinstance(alias, str):
                raise InputError(f"{at}: aliases[{j}] must be a string, not {_shown(alias)}")
        if not isinstance(ent.get("optional", False), bool):
            raise InputError(f"{at}: 'optional' must be true or false, not {_shown(ent['optional'])}")
        if t == "Date":
            _string(ent, "value", at + " (a Date)")
    rels = gold.get("relations", [])
    if not isinstance(rels, list):
        raise InputError(f"{where}: 'relations' must be a list, not {_shown(rels)}")
    for k, rel in enumerate(rels):
        at = f"{where}: relations[{k}]"
        if not isinstance(rel, dict):
            raise InputError(f"{at} must be an object with subject, predicate and object, not {_shown(rel)}")
        pred = _string(rel, "predicate", at)
        if pred not in RELATIONS:
            raise InputError(f"{at}: predicate {_shown(pred)} is not one of {', '.join(RELATIONS)}")
        for end in ("subject", "object"):
            if _string(rel, end, at) not in labels:
                raise InputError(f"{at}: {end} {_shown(rel[end])} is not the label of a gold entity")
        if not isinstance(rel.get("optional", False), bool):
            raise InputError(f"{at}: 'optional' must be true or false, not {_shown(rel['optional'])}")
    return gold


#: what `evaluate` reads of a graph: types, labels, values and the relations scored
_PREDICATES = (
    *(str(p) for p in (RDF.type, SKOS.prefLabel, SKOS.altLabel, RDFS.label, RDF.value)),
    *(str(SKG[p]) for p in RELATIONS),
)


def evaluate(ds: Dataset, gold: dict) -> Report:
    """Score a graph (all its named graphs together) against `gold` (as `load_gold` returns it)."""
    rows = Rows.of(ds, _PREDICATES)
    types, node_hits = _entity_scores(rows, gold["entities"])
    return Report(types, _relation_score(rows, gold, node_hits))


def _score(gold: int, predicted: int, ok: int, found: int, missed: list[str], fps: list[str]) -> Score:
    """Precision over `predicted` (`ok` right), recall over `gold` required (`found`), and F1."""
    p = ok / predicted if predicted else (1.0 if not gold else 0.0)
    r = found / gold if gold else 1.0
    return Score(gold, predicted, round(p, 4), round(r, 4), round(_f1(p, r), 4), missed, sorted(fps))


def _entity_scores(rows: Rows, ents: list[dict]) -> tuple[dict[str, Score], dict[str, set[int]]]:
    """The score of each entity type, and the gold entities (by index) each node matches."""
    names = [{norm(g["label"])} | {norm(a) for a in g.get("aliases", [])} for g in ents]
    node_hits: dict[str, set[int]] = defaultdict(set)
    entities = sorted(rows.entities, key=lambda e: e.iri)
    types = {}
    for t in ENTITY_TYPES:
        predicted, ok, fps, matched = 0, 0, [], set()
        for e in entities:
            if t not in e.types:
                continue
            labels, value, hits = _matches(e, t, ents, names)
            node_hits[e.iri] |= hits
            predicted += 1
            if hits:
                ok += 1
                matched |= hits
            else:
                fps.append(value if t == "Date" else (sorted(labels)[0] if labels else e.iri))
        req = [i for i, g in enumerate(ents) if g["type"] == t and not g.get("optional")]
        missed = [ents[i]["label"] for i in req if i not in matched]
        types[t] = _score(len(req), predicted, ok, len(set(req) & matched), missed, fps)
    return types, node_hits


def _matches(e: Entity, t: str, ents: list[dict], names: list[set[str]]) -> tuple[set[str], str | None, set[int]]:
    """An entity's labels (normalised), value, and the gold entities of type `t` it matches:
    by a label in common, a Date by its value."""
    labels = {norm(x) for x in (*e.labels, *(a for _, a in e.aliases), *e.rdfs_labels)} - {""}
    value = e.values[0] if e.values else None
    hits = {
        i
        for i, g in enumerate(ents)
        if g["type"] == t and ((value is not None and value == g.get("value")) if t == "Date" else labels & names[i])
    }
    return labels, value, hits


def _relation_score(rows: Rows, gold: dict, node_hits: dict[str, set[int]]) -> Score:
    """The score of the relations scored (RELATIONS), matched through the gold entities of their ends."""
    by_label = defaultdict(set)
    for i, g in enumerate(gold["entities"]):
        by_label[g["label"]].add(i)
    gold_rels = gold.get("relations", [])
    found: set[int] = set()
    pred = ok = 0
    fps = []
    for r in rows.relations:
        if r.predicate not in RELATIONS:
            continue
        pred += 1
        hit = [
            k
            for k, rel in enumerate(gold_rels)
            if rel["predicate"] == r.predicate
            and node_hits[r.subject] & by_label[rel["subject"]]
            and node_hits[r.object] & by_label[rel["object"]]
        ]
        found.update(hit)
        if hit:
            ok += 1
        else:
            fps.append(f"{_show(rows, r.subject)} {r.predicate} {_show(rows, r.object)}")
    req = [k for k, rel in enumerate(gold_rels) if not rel.get("optional")]
    missed = [
        f"{gold_rels[k]['subject']} {gold_rels[k]['predicate']} {gold_rels[k]['object']}" for k in req if k not in found
    ]
    return _score(len(req), pred, ok, len(set(req) & found), missed, fps)


def _show(rows: Rows, node: str) -> str:
    """A node by its preferred label, else its rdfs:label, else its value, else its IRI."""
    return rows.one("pref", node) or rows.one("rdfs_label", node) or rows.one("value", node) or node


def format_report(report: Report, errors: bool = False) -> str:
    """The scorer's table, then misses and false positives when `errors`."""
    lines = [f"{'type':10} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6}"]
    for name, s in [*report.types.items(), ("relations", report.relations)]:
        lines.append(f"{name:10} {s.gold:5d} {s.predicted:5d} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}")
    if errors:
        for name, s in [*report.types.items(), ("relations", report.relations)]:
            if s.missed:
                lines.append(f"{name} missed: " + " | ".join(s.missed))
            if s.false_positives:
                lines.append(f"{name} false positives: " + " | ".join(s.false_positives))
    core = "  ".join(f"{t} {report.types[t].f1:.3f}" for t in CORE)
    lines.append(f"core-F1 {report.core_f1:.3f} ({core}); relations-F1 {report.relations.f1:.3f}")
    return "\n".join(lines) + "\n"


@dataclass
class SetReport:
    """Figures pooled over an annotated set: per type, precision over every predicted entity
    and recall over every required gold entity of the set; `texts` has each text's report."""

    types: dict[str, Score]
    relations: Score
    texts: dict[str, Report]

    @property
    def core_f1(self) -> float:
        """Macro-F1 over Campaign, Body, Goal and Date."""
        return sum(self.types[t].f1 for t in CORE) / len(CORE)

    @property
    def all_f1(self) -> float:
        """Macro-F1 over the eight entity types."""
        return sum(s.f1 for s in self.types.values()) / len(self.types)

    def as_dict(self) -> dict:
        """The JSON of `score_set.py --json`."""

        def d(s: Score) -> dict:
            return {k: getattr(s, k) for k in ("gold", "predicted", "precision", "recall", "f1")}

        return {
            "types": {**{t: d(s) for t, s in self.types.items()}, "relations": d(self.relations)},
            "core_f1": round(self.core_f1, 4),
            "all_f1": round(self.all_f1, 4),
            "relations_f1": self.relations.f1,
            "per_text_core_f1": {name: r.core_f1 for name, r in self.texts.items()},
        }


@dataclass
class SetText:
    """One line of an annotated set's plan.tsv, with its files."""

    name: str
    date: _dt.date
    text: Path
    gold: Path


def read_plan(set_dir: str | Path) -> list[SetText]:
    """The texts of an annotated set: plan.tsv lines of name, source, date (`#` comments),
    each with texts/NAME.txt and gold/NAME.json; an InputError names the first problem."""
    root = Path(set_dir)
    plan = root / "plan.tsv"
    if not plan.exists():
        what = "no plan.tsv (an annotated set has plan.tsv, texts/ and gold/)" if root.is_dir() else "no such folder"
        raise InputError(f"{root}: {what}")
    _inside(root, plan, str(root))
    lines = read_text(plan, "plan").splitlines()
    out: list[SetText] = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) < 3:
            raise InputError(f"{plan}: line {n} needs name, source and date separated by tabs")
        name, date = fields[0], fields[2]
        if not name or name in (".", "..") or any(c in name for c in "/\\"):
            raise InputError(f"{plan}: line {n}: {_shown(name)} is not a plain file name")
        try:
            day = _dt.date.fromisoformat(date)
        except ValueError:
            raise InputError(f"{plan}: line {n}: {_shown(date)} is not a date; use YYYY-MM-DD") from None
        if any(t.name == name for t in out):
            raise InputError(f"{plan}: line {n}: {_shown(name)} is listed twice")
        item = SetText(name, day, root / "texts" / f"{name}.txt", root / "gold" / f"{name}.json")
        for path in (item.text, item.gold):
            if not path.exists():
                raise InputError(f"{plan}: line {n}: {path} is missing")
            _inside(root, path, f"{plan}: line {n}")
        out.append(item)
    if not out:
        raise InputError(f"{plan}: no texts listed (lines of name, source, date)")
    return out


def _inside(root: Path, path: Path, where: str) -> None:
    """InputError unless `path`, its symlinks followed, is inside the set's folder `root`: a set
    names its files, and reads nothing outside itself."""
    top, real = os.path.realpath(root), os.path.realpath(path)
    if os.path.commonpath([top, real]) != top:
        raise InputError(f"{where}: {path} leads out of the set (to {real}); copy the file into the set")


def evaluate_set(set_dir: str | Path) -> SetReport:
    """Build every text of an annotated set alone, with its date, and score it against its gold;
    the figures pooled over the set. Every gold file is checked before anything is built."""
    from speechkg.graph.build.pipeline import build

    items = read_plan(set_dir)
    golds = [load_gold(item.gold) for item in items]
    texts = {
        item.name: evaluate(build([str(item.text)], date=item.date).dataset, gold)
        for item, gold in zip(items, golds, strict=True)
    }
    types = {t: _pool([r.types[t] for r in texts.values()]) for t in ENTITY_TYPES}
    return SetReport(types, _pool([r.relations for r in texts.values()]), texts)


def _pool(scores: list[Score]) -> Score:
    gold = sum(s.gold for s in scores)
    pred = sum(s.predicted for s in scores)
    ok = sum(s.predicted - len(s.false_positives) for s in scores)
    found = sum(s.gold - len(s.missed) for s in scores)
    p = ok / pred if pred else (1.0 if not gold else 0.0)
    r = found / gold if gold else 1.0
    return Score(gold, pred, round(p, 4), round(r, 4), round(_f1(p, r), 4))


def format_set_report(report: SetReport, errors: bool = False) -> str:
    """score_set.py's output: each text's misses and false positives when `errors`, the pooled
    table, each text's core-F1, and the headline last."""
    lines = []
    if errors:
        for name, r in report.texts.items():
            rows = [*r.types.items(), ("relations", r.relations)]
            lines.append(
                f"{name} (core-F1 {r.core_f1:.3f})\n"
                + "\n".join(
                    [f"  {t} missed: " + " | ".join(s.missed) for t, s in rows if s.missed]
                    + [f"  {t} false positives: " + " | ".join(s.false_positives) for t, s in rows if s.false_positives]
                )
            )
    lines.append(f"{'type':10} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6}")
    for name, s in [*report.types.items(), ("relations", report.relations)]:
        lines.append(f"{name:10} {s.gold:5d} {s.predicted:5d} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}")
    lines.append("per text core-F1: " + ", ".join(f"{k} {r.core_f1:.2f}" for k, r in report.texts.items()))
    lines.append(
        f"{len(report.texts)} texts: pooled core-F1 {report.core_f1:.3f}, all-types F1 "
        f"{report.all_f1:.3f}, relations-F1 {report.relations.f1:.3f}"
    )
    return "\n".join(lines) + "\n"
