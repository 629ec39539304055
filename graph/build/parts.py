"""A speech too long for one RDF literal → consecutive parts, each short enough."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from speechkg.graph.extract.dates import infer_year
from speechkg.graph.model import Speech
from speechkg.graph.rdf import terms
from speechkg.graph.read.decode import display_name


def too_long(text: str) -> bool:
    """Whether a text is too long to be written as one literal that strict parsers read back
    (terms.MAX_LITERAL_BYTES as RDF; the whole text is one nif:Context literal)."""
    return len(text) * 4 > terms.MAX_LITERAL_BYTES and terms.literal_size(text) > terms.MAX_LITERAL_BYTES


_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")


def parts(speech: Speech) -> list[Speech]:
    """A speech too long for one literal (too_long) → consecutive parts, each short enough,
    split at line ends (a longer line at sentence ends, a longer sentence anywhere), each its
    own speech named NAME#K, as if they were files of those names, with the whole's date, year
    and title; the parts' texts joined are the text. A speech short enough → [speech]."""

    if not too_long(speech.text):
        return [speech]
    budget = terms.MAX_LITERAL_BYTES - 2  # the two quotes
    texts: list[str] = []
    held: list[str] = []
    size = 0
    for piece in _pieces(speech.text, budget):
        n = terms.literal_size(piece) - 2
        if held and size + n > budget:
            texts.append("".join(held))
            held, size = [], 0
        held.append(piece)
        size += n
    texts.append("".join(held))
    return [
        dataclasses.replace(speech, text=text, source=f"{speech.source}#{k}") for k, text in enumerate(texts, start=1)
    ]


def _pieces(text: str, budget: int) -> Iterator[str]:
    """The text's lines (a line over `budget` bytes as a literal in sentences, a sentence over
    it in runs of characters that are under it at 6 bytes each, the most one takes escaped)."""

    for line in text.splitlines(keepends=True):
        if terms.literal_size(line) - 2 <= budget:
            yield line
            continue
        for sentence in _SENTENCE_END.split(line):
            if terms.literal_size(sentence) - 2 <= budget:
                yield sentence
            else:
                step = budget // 6
                yield from (sentence[i : i + step] for i in range(0, len(sentence), step))


def in_parts(speech: Speech, warnings: list[str]) -> list[Speech]:
    """A speech too long to be written as one literal → its parts (`parts`), each its own
    speech, with the year relative dates resolve against taken from the whole; said in
    `warnings`. Any other speech → [speech]."""
    found = parts(speech)
    if len(found) == 1:
        return found
    year = speech.year or (speech.date.year if speech.date else infer_year(speech.text))
    found = [dataclasses.replace(part, year=year) for part in found]
    warnings.append(
        f"{display_name(speech.source)}: {len(speech.text.encode('utf-8', 'surrogatepass')) / 2**20:.1f} MiB "
        f"of text, more than one RDF literal may hold ({terms.MAX_LITERAL_BYTES / 2**20:.1f} MiB, what strict parsers "
        f"read): built as {len(found)} speeches, {found[0].source} to {found[-1].source}, split at line ends"
    )
    return found
