"""Text helpers every step shares: traditional/simplified forms (OpenCC), the one normaliser labels
are compared in, and text as a terminal shows it."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """Characters OpenCC's t2s table changes (TSCharacters), the traditional-only ones."""
    import opencc

    table = Path(opencc.__file__).with_name("dictionary") / "TSCharacters.txt"
    chars = set()
    for line in table.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1 and parts[0] not in parts[1].split():
            chars.add(parts[0])
    return frozenset(chars)


def is_traditional(text: str) -> bool:
    """True when the text has characters that only traditional writing uses."""
    return not _traditional_chars().isdisjoint(text)


def to_simplified(text: str) -> str:
    """Same length as the input for the characters OpenCC maps one to one (most of them)."""
    return _t2s().convert(text)


def simplified_same_length(text: str) -> str:
    """Simplified characters for a text, with the same length so that offsets carry over.

    OpenCC converts phrases; when that changes the length, characters are converted one
    by one (a character whose conversion is not one character is kept as it is)."""
    if not is_traditional(text):
        return text
    whole = to_simplified(text)
    if len(whole) == len(text):
        return whole
    conv = _t2s().convert
    out = []
    for c in text:
        s = conv(c) if c >= "\u3400" else c
        out.append(s if len(s) == 1 else c)
    return "".join(out)


#: full-width digits and Latin letters (１９９８年, ＧＤＰ) → their ASCII forms, one for one
_HALF_WIDTH = str.maketrans(
    {chr(c): chr(c - 0xFEE0) for c in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
)


def analysis_form(text: str) -> str:
    """The text as extraction reads it, of the same length so that offsets carry over:
    simplified characters and ASCII digits and letters (１９９８年 is 1998年)."""
    return simplified_same_length(text).translate(_HALF_WIDTH)


_DROP = set("“”‘’\"'《》〈〉「」『』 \t\r\n\u3000")


def norm(text: str) -> str:
    """NFKC, quotation marks, 《》 and spaces removed: the form two labels are compared in."""
    return "".join(c for c in unicodedata.normalize("NFKC", str(text)) if c not in _DROP)


#: what a terminal acts on: C0 and C1 controls and DEL (ESC, CR, BEL, CSI …), and the marks and
#: overrides that reorder the text after them (bidirectional embeddings, overrides, isolates)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def printable(s: str) -> str:
    """Text for a terminal: control characters (ESC, BEL, …, which could drive the terminal) and
    bidirectional overrides (which could disguise what follows) shown as \\x1b, \\u202e and the
    like. Every table printed to a terminal, and every message (which quotes file names, keys
    and labels), goes through this."""
    return _CONTROL.sub(_escape, s)


def width(s: str) -> int:
    """Display width: East Asian wide and fullwidth characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


#: the first characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_safe(cell: str) -> str:
    """A CSV cell a spreadsheet shows as text, never runs: one starting with = + - @, a tab or a
    CR gets a leading ' (OWASP's advice for CSV meant for spreadsheets). A number (-3, +1.5) stays
    as it is, so that columns of numbers are still numbers."""
    if cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell
