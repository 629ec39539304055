"""The rows speechkg.api gives (Entity, Speech, Relation, Mention, Counts, query Rows) and the
small readings they share: a name given bare or prefixed, a label as the page compares it, a
speech's date and its precision, and the counts of a build or a store."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from rdflib import Literal

from speechkg.graph.errors import InputError, SpeechKGError
from speechkg.ontology.namespace import ENTITY_TYPES, RELATION_TYPES

if TYPE_CHECKING:
    from speechkg.graph.build.pipeline import BuildResult


@dataclass(frozen=True)
class Entity:
    """One entity of the graph: its IRI, type (Campaign, Body, …), preferred label, other
    Chinese labels, how many times it is mentioned, in how many relations it stands, and its
    English and pinyin labels (where the graph has them)."""

    iri: str
    type: str
    label: str
    aliases: tuple[str, ...]
    mentions: int
    degree: int
    english: tuple[str, ...] = ()
    pinyin: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Every label: the preferred one, the other Chinese ones, English, pinyin."""
        return (self.label, *self.aliases, *self.english, *self.pinyin)


@dataclass(frozen=True)
class Speech:
    """One speech of the graph: its IRI, source (file name or corpus row id), title, date,
    how precisely the date is known ("day", "month" or "year": a year's date is its 1 January)
    and the length of its text in characters."""

    iri: str
    source: str | None
    title: str | None
    date: _dt.date | None
    precision: str | None
    characters: int | None


@dataclass(frozen=True)
class Relation:
    """subject --predicate--> object, with labels, and the sentence it was read from."""

    subject: str
    subject_label: str
    predicate: str
    object: str
    object_label: str
    evidence: str


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity: the text as written, the speech, half-open character
    offsets into the speech (`speech_text[start:end] == text`), the sentence, how it was found
    (`rule`: a rule's name, or ner-lac for a name the trained model proposed) and the model's
    `confidence` (None for a rule's mention)."""

    entity: str
    text: str
    speech: str
    start: int
    end: int
    sentence: str
    rule: str
    confidence: float | None = None


class Counts(NamedTuple):
    """What a graph holds, each thing counted once: speeches (IRIs); entities (IRIs, however
    many speeches name one); relations (subject, predicate, object between two entities,
    however many sentences state one). `speechkg build` and `speechkg stats` print these."""

    speeches: int
    entities: int
    relations: int


class Rows(list):
    """SELECT results: a list of dicts, variable → value (str for IRIs, the Python value of a
    literal, None when unbound)."""

    def __init__(self, rows: Iterable[dict], columns: list[str]) -> None:
        super().__init__(rows)
        self.columns = columns

    def to_pandas(self):
        """The rows as a pandas DataFrame (pandas is optional: `pip install pandas`)."""
        try:
            import pandas as pd
        except ImportError:
            raise SpeechKGError(
                "to_pandas needs pandas, which is not installed; pip install 'speechkg[pandas]'"
            ) from None
        return pd.DataFrame(list(self), columns=self.columns)


def value_of(term: object) -> object:
    """A query result's term as a plain Python value: str for an IRI, the value of a literal
    (its text when rdflib has no Python type for it), None when unbound."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


def build_counts(result: BuildResult) -> Counts:
    """A build's Counts from what it extracted: the IRIs its speeches, entities and relations are written with."""
    from speechkg.graph.rdf.emit import entity_iri, speech_iri

    entities, relations = set(), set()
    for doc in result.docs:
        iri = {e.key: entity_iri(e) for e in doc.entities}
        entities.update(iri.values())
        for r in doc.relations:
            s, o = iri[doc.links[r.subject]], iri[doc.links[r.object]]
            if s != o:  # as emit writes them
                relations.add((s, r.predicate, o))
    return Counts(len({speech_iri(d) for d in result.docs}), len(entities), len(relations))


def _values(var: str, names: Iterable[str]) -> str:
    return f"VALUES ?{var} {{ {' '.join(f'skg:{n}' for n in names)} }}"


#: a store's Counts, counted by the store
STORE_COUNTS = f"""SELECT ?speeches ?entities ?relations WHERE {{
  {{ SELECT (COUNT(DISTINCT ?sp) AS ?speeches) WHERE {{ ?sp a skg:Speech }} }}
  {{ SELECT (COUNT(DISTINCT ?e) AS ?entities) WHERE {{ {_values("t", ENTITY_TYPES)} ?e a ?t }} }}
  {{ SELECT (COUNT(*) AS ?relations) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{
      {_values("p", RELATION_TYPES)} ?s ?p ?o .
      {_values("ts", ENTITY_TYPES)} ?s a ?ts . {_values("to", ENTITY_TYPES)} ?o a ?to }} }} }}
}}"""


def one_of(value: str | None, names: tuple[str, ...], what: str) -> str | None:
    """`value` as one of `names`, given bare or prefixed (skg:NAME, or the full IRI); InputError
    listing them when it is none."""
    from speechkg.ontology.namespace import SKG

    if value is None:
        return None
    name = value.removeprefix("skg:").removeprefix(str(SKG._NS))
    if name not in names:
        raise InputError(f"unknown {what} {value!r}; use one of {', '.join(names)} (bare or as skg:NAME)")
    return name


def norm(label: str) -> str:
    """A label as the page's search compares it: lower case, runs of blanks one space."""
    return " ".join(label.lower().split())


#: a speech's dcterms:date by its length: a day, a month or a year
_PRECISION = {10: "day", 7: "month", 4: "year"}


def speech_date(value: str | None) -> tuple[_dt.date | None, str | None]:
    """A speech's date (ISO: a day, month or year) as a date and its precision; a year or
    month is dated from its first day."""
    precision = _PRECISION.get(len(value or ""))
    if value is None or precision is None:
        return None, None
    try:
        return _dt.date.fromisoformat(value + {"day": "", "month": "-01", "year": "-01-01"}[precision]), precision
    except ValueError:
        return None, None
