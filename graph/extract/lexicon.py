"""The lexicon: standard names with their type and aliases, built in and user-supplied.

The built-in list (`data/lexicon.tsv`) holds general knowledge of Chinese official
language: party, state and mass organizations with their abbreviations, national
leaders, central formulations and goals. A user lexicon (CSV or YAML with
`label, type, aliases`) is merged over it. Matching is Aho–Corasick (pyahocorasick),
one pass over the text for every name.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick

from speechkg.graph.errors import InputError
from speechkg.graph.extract import rules
from speechkg.graph.extract.ner import DEFAULT_MODEL
from speechkg.graph.model import Doc, Mention
from speechkg.graph.read.files import read_text
from speechkg.ontology.namespace import ENTITY_TYPES

BUILTIN = Path(__file__).with_name("data") / "lexicon.tsv"
_STRIP = str.maketrans("", "", "“”‘’\"'《》")


@lru_cache(maxsize=1 << 16)
def clean(label: str) -> str:
    """A label as used for matching and linking: quotation marks and 《》 removed (remembered:
    steps ask for the same few labels hundreds of thousands of times in a long text)."""
    return label.translate(_STRIP).strip()


@dataclass(frozen=True)
class Entry:
    type: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass
class Lexicon:
    """Entries, and the indexes built from them once (a lexicon is not changed after it is made).

    `ner` names the trained name model that proposes names beside the lexicon and the rules
    (`ner.MODEL_NAMES`; "none": the rules alone): what extraction knows travels as one object,
    to every worker process and Dask worker."""

    entries: list[Entry] = field(default_factory=list)
    _index: dict = field(default_factory=dict, repr=False, compare=False)
    ner: str = DEFAULT_MODEL

    def merged(self, other: Lexicon) -> Lexicon:
        """Entries of `other` replace ours with the same (type, label); our name model stays."""
        keys = {(e.type, e.label) for e in other.entries}
        return Lexicon([e for e in self.entries if (e.type, e.label) not in keys] + other.entries, ner=self.ner)

    def with_model(self, ner: str) -> Lexicon:
        """The same entries (and indexes) with another name model."""
        return self if ner == self.ner else Lexicon(self.entries, self._index, ner)

    def forms(self) -> dict[str, tuple[str, str]]:
        """surface form → (type, canonical label); later entries win on clashes. Read only."""
        if "forms" not in self._index:
            out: dict[str, tuple[str, str]] = {}
            for e in self.entries:
                for form in (e.label, *e.aliases):
                    form = clean(form)
                    if form:
                        out[form] = (e.type, clean(e.label))
            self._index["forms"] = out
        return self._index["forms"]

    def aliases_of(self, type_: str, label: str) -> tuple[str, ...]:
        """The aliases of the entry of this type whose canonical label is `label`."""
        if "aliases" not in self._index:
            index: dict[tuple[str, str], tuple[str, ...]] = {}
            for e in self.entries:
                index.setdefault((e.type, clean(e.label)), tuple(clean(a) for a in e.aliases if clean(a)))
            self._index["aliases"] = index
        return self._index["aliases"].get((type_, label), ())


#: the longest label or alias a lexicon may hold (characters): names are short, and a very
#: long one makes the matching automaton millions of nodes deep (pyahocorasick then crashes)
MAX_LABEL = 200
#: the most entries a user lexicon may hold
MAX_ENTRIES = 200_000


def _entry(type_: str, label: str, aliases: list[str], where: str) -> Entry:
    if type_ not in ENTITY_TYPES:
        raise InputError(f"{where}: unknown type {type_!r}; use one of {', '.join(ENTITY_TYPES)}")
    if not clean(label):
        raise InputError(f"{where}: empty label")
    for form in (label, *aliases):
        if len(form) > MAX_LABEL:
            raise InputError(
                f"{where}: a label or alias of {len(form):,} characters is over the "
                f"{MAX_LABEL}-character limit; names are short"
            )
    return Entry(type_, label.strip(), tuple(a.strip() for a in aliases if a.strip()))


@lru_cache(maxsize=1)
def builtin() -> Lexicon:
    entries = []
    for n, line in enumerate(BUILTIN.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        aliases = parts[2].split("|") if len(parts) > 2 else []
        entries.append(_entry(parts[0], parts[1], aliases, f"{BUILTIN.name}:{n}"))
    return Lexicon(entries)


def _no_alias_loader():
    import yaml

    class Loader(yaml.SafeLoader):
        """Safe YAML without anchors and aliases: a few hundred bytes of aliases can expand
        to billions of nodes (a "billion laughs"), and a lexicon never needs them."""

        def compose_node(self, parent, index):  # type: ignore[override]
            if self.check_event(yaml.AliasEvent) or getattr(self.peek_event(), "anchor", None):
                event = self.peek_event()
                raise yaml.YAMLError(f"anchors and aliases (&, *) are not allowed, line {event.start_mark.line + 1}")
            return super().compose_node(parent, index)

    return Loader


def load_user(path: str | Path) -> Lexicon:
    """A user lexicon: CSV with columns label,type,aliases (aliases |-separated), or YAML:
    a list of {label, type, aliases: [...]}."""
    p = Path(path)
    text = read_text(p, "lexicon file")
    if p.suffix.lower() in (".yaml", ".yml"):
        return Lexicon(_yaml_entries(p, text))
    return Lexicon(_csv_entries(p, text))


def _yaml_entries(p: Path, text: str) -> list[Entry]:
    """The entries of a YAML lexicon: a list of {label, type, aliases}."""
    import yaml

    try:
        rows = yaml.load(text, Loader=_no_alias_loader()) or []  # noqa: S506 — a SafeLoader
    except yaml.YAMLError as exc:
        raise InputError(f"{p}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(rows, list):
        raise InputError(f"{p}: expected a list of entries with label, type, aliases")
    if len(rows) > MAX_ENTRIES:
        raise InputError(f"{p}: {len(rows):,} entries is over the {MAX_ENTRIES:,} a lexicon may hold")
    return [_yaml_entry(row, f"{p}: entry {n}") for n, row in enumerate(rows, 1)]


def _yaml_entry(row: object, where: str) -> Entry:
    """One entry of a YAML lexicon: {label, type, aliases}, each a string (aliases: a list of
    strings, or one string of |-separated ones); anything else is named in one line."""
    if not isinstance(row, dict) or "label" not in row or "type" not in row:
        raise InputError(f"{where} needs a label and a type")
    for key in ("label", "type"):
        if not isinstance(row[key], str):
            raise InputError(f"{where}: {key!r} must be a string, not {_yaml_kind(row[key])}")
    aliases = row.get("aliases")
    if aliases is None:
        aliases = []
    elif isinstance(aliases, str):
        aliases = aliases.split("|")
    elif not isinstance(aliases, list):
        raise InputError(f"{where}: 'aliases' must be a list of strings or one string, not {_yaml_kind(aliases)}")
    for i, alias in enumerate(aliases, 1):
        if not isinstance(alias, str):
            raise InputError(f"{where}: aliases[{i}] must be a string, not {_yaml_kind(alias)}")
    return _entry(row["type"], row["label"], aliases, where)


def _yaml_kind(value: object) -> str:
    """What a YAML value is, for a message: "a number", "null", "a list", "a mapping", …"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    kinds = {list: "a list", dict: "a mapping"}
    return kinds.get(type(value), f"a {type(value).__name__}")


def _csv_entries(p: Path, text: str) -> list[Entry]:
    """The entries of a CSV lexicon with a header label,type,aliases."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"label", "type"} <= set(reader.fieldnames):
        raise InputError(f"{p}: a CSV lexicon needs a header with label,type,aliases")
    entries = []
    try:
        for n, row in enumerate(reader, 2):
            if n - 1 > MAX_ENTRIES:
                raise InputError(f"{p}: over the {MAX_ENTRIES:,} entries a lexicon may hold")
            entries.append(
                _entry(
                    (row.get("type") or "").strip(),
                    row.get("label") or "",
                    (row.get("aliases") or "").split("|"),
                    f"{p}: line {n}",
                )
            )
    except csv.Error as exc:
        raise InputError(
            f"{p}: not a readable CSV lexicon ({exc}); labels and aliases are at most {MAX_LABEL} characters"
        ) from None
    return entries


_AUTOMATA: dict[int, tuple[Lexicon, ahocorasick.Automaton]] = {}


def automaton(lex: Lexicon) -> ahocorasick.Automaton:
    """The Aho–Corasick automaton of a lexicon, built once per lexicon object."""
    cached = _AUTOMATA.get(id(lex))
    if cached is not None and cached[0] is lex:
        return cached[1]
    auto = ahocorasick.Automaton()
    for form, (type_, label) in lex.forms().items():
        auto.add_word(form, (form, type_, label))
    auto.make_automaton()
    _AUTOMATA[id(lex)] = (lex, auto)
    return auto


def match(doc: Doc, lex: Lexicon) -> list[Mention]:
    """Every occurrence of every lexicon form in the text."""
    auto = automaton(lex)
    if len(auto) == 0:
        return []
    out = []
    for end, (form, type_, label) in auto.iter(doc.text):
        start = end - len(form) + 1
        out.append(Mention(start, end + 1, form, type_, label, rules.LEXICON))
    return out
