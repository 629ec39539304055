"""One speech through the steps: segment → extract → link."""

from __future__ import annotations

import dataclasses

from speechkg.graph import segment
from speechkg.graph import text as textforms
from speechkg.graph.errors import InputError
from speechkg.graph.extract import extract, positions, targets
from speechkg.graph.extract.common import forget_texts
from speechkg.graph.extract.dates import infer_year
from speechkg.graph.extract.lexicon import Lexicon, builtin, load_user
from speechkg.graph.extract.lexicon import clean as lexicon_clean
from speechkg.graph.extract.ner import DEFAULT_MODEL, MODEL_NAMES
from speechkg.graph.link import link
from speechkg.graph.model import Doc, Speech


def process(speech: Speech, lex: Lexicon | None = None) -> Doc:
    """One speech through segment → extract → link (no I/O).

    Text is analysed in a copy of the same length with simplified characters and ASCII digits
    (textforms.analysis_form), then every span is given back its original characters (see
    _restore_original)."""
    if speech.year is None:
        year = speech.date.year if speech.date else infer_year(speech.text)
        speech = dataclasses.replace(speech, year=year)
    if not speech.text.strip():
        doc = Doc(speech=speech)
        doc.warnings.append(f"{speech.source}: the speech is empty; the graph has no entities")
        return doc
    simplified = textforms.analysis_form(speech.text)
    doc = Doc(speech=dataclasses.replace(speech, text=simplified))
    segment.segment(doc)
    try:
        extract(doc, lex)
        link(doc, lex)
    finally:
        forget_texts()  # the text's word blocks and quotes, a big text's megabytes
    if simplified != speech.text:
        _restore_original(doc, speech)
    doc.targets = targets.find(doc)
    doc.positions = positions.find(doc, lex)  # after targets: it adds the implied organs' entities
    return doc


def _restore_original(doc: Doc, speech: Speech) -> None:
    """Put the original (traditional) text back under a Doc analysed in simplified form:
    spans keep their offsets and get their original characters; labels stay simplified,
    and each traditional surface form becomes an alias."""
    text = speech.text
    new = {m: dataclasses.replace(m, text=text[m.start : m.end]) for m in doc.mentions}
    doc.mentions = [new[m] for m in doc.mentions]
    doc.relations = [dataclasses.replace(r, subject=new[r.subject], object=new[r.object]) for r in doc.relations]
    doc.links = {new[m]: k for m, k in doc.links.items()}
    for e in doc.entities:
        e.mentions = [new[m] for m in e.mentions]
        e.aliases |= {lexicon_clean(m.text) for m in e.mentions} - {e.label}
        e.aliases.discard("")
    doc.sentences = [dataclasses.replace(s, text=text[s.start : s.end]) for s in doc.sentences]
    doc.sections = [dataclasses.replace(s, heading=text[s.heading_start : s.heading_end]) for s in doc.sections]
    doc.speech = speech


def lexicon_for(user_lexicon: str | None, ner: str = DEFAULT_MODEL) -> Lexicon:
    """The built-in lexicon, merged with a user's, read beside the name model `ner`."""
    if ner not in MODEL_NAMES:
        raise InputError(f"no name model {ner!r}; give one of {', '.join(MODEL_NAMES)}")
    lex = builtin().with_model(ner)
    return lex.merged(load_user(user_lexicon)) if user_lexicon else lex


_warm: set[int] = set()  # ids of the lexicons a short speech went through in this process


def warm_up(lex: Lexicon) -> None:
    """Load, once per process and lexicon, what every speech needs (jieba's dictionary, the
    lexicon's index) with a short speech, so that no file's time limit pays for it."""
    if id(lex) not in _warm:
        process(Speech(text="2022年1月1日，省委召开全省工会工作会议。", source="warm-up"), lex)
        _warm.add(id(lex))
