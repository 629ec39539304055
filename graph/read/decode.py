"""Bytes → text: BOMs, UTF-8, or the encoding charset-normalizer detects (GB18030/GBK, Big5, …)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from speechkg.graph.errors import InputError

if TYPE_CHECKING:
    pass


#: Files larger than this are refused before they are read whole.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


#: byte-order marks, longest first (UTF-32's little-endian mark begins with UTF-16's)
BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _common(c: str) -> bool:
    """Whether `c` is a common Chinese character: GB2312 level 1 or Big5 level 1, or CJK punctuation."""
    if "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef":
        return True
    for enc, lo, hi in (("gb2312", 0xB0, 0xD7), ("big5", 0xA4, 0xC6)):
        try:
            b = c.encode(enc)
        except UnicodeEncodeError:
            continue
        if len(b) == 2 and lo <= b[0] <= hi:
            return True
    return False


def _chinese_score(text: str) -> float:
    """The share of common Chinese characters among the text's non-space characters."""
    chars = [c for c in text[:4000] if not c.isspace()]
    return sum(map(_common, chars)) / len(chars) if chars else 0.0


def decode(data: bytes, name: str, warnings: list[str] | None = None) -> str:
    """Bytes → str: a UTF-16/32 BOM decides; else UTF-8; else the encoding charset-normalizer
    finds, or GB18030 when only that gives Chinese text. A guess is reported in `warnings`.
    A NUL anywhere marks a binary file."""
    text = None
    for bom, enc in BOMS:
        if enc != "utf-8" and data.startswith(bom):  # UTF-8's is read with UTF-8, below
            try:
                text = data[len(bom) :].decode(enc)
            except UnicodeDecodeError:
                raise InputError(
                    f"{name}: starts with a {enc[:6].upper()} byte-order mark but does "
                    "not decode as it; save it as UTF-8"
                ) from None
            break
    if text is None:
        if b"\x00" in data:
            raise InputError(f"{name}: looks like a binary file, not text; give a .txt speech")
        try:
            text = _utf8_or_short_gbk(data, name, warnings)
        except UnicodeDecodeError:
            text = _guess(data, name, warnings)
    if "\x00" in text:
        raise InputError(f"{name}: looks like a binary file, not text; give a .txt speech")
    # one newline convention, so offsets mean the same on every platform
    return text.replace("\r\n", "\n").replace("\r", "\n")


#: valid UTF-8 this short (bytes) with no Chinese in it may be GBK: 省委 in GBK is ʡί in UTF-8
SHORT_TEXT = 200


def _utf8_or_short_gbk(data: bytes, name: str, warnings: list[str] | None) -> str:
    """UTF-8, unless the text is short, has no Chinese, and reads as Chinese in GB18030."""
    text = data.decode("utf-8-sig")
    if len(data) > SHORT_TEXT or text.isascii() or _chinese_score(text) > 0:
        return text
    try:
        gb = data.decode("gb18030")
    except UnicodeDecodeError:
        return text
    if _chinese_score(gb) < 0.9:  # mostly common Chinese characters, not a few among Latin ones
        return text
    if warnings is not None:
        warnings.append(
            f"{name}: read as GB18030, a guess (the text is short, and as UTF-8 it "
            "has no Chinese); if it looks wrong, save the file as UTF-8"
        )
    return gb


def _guess(data: bytes, name: str, warnings: list[str] | None) -> str:
    """Text that is not UTF-8: the decoding that reads as the most common Chinese characters,
    among GB18030, Big5 and charset-normalizer's pick (GB18030 on a tie). Short text fits
    several encodings, so a choice against charset-normalizer's, or text that does not read
    as Chinese, is reported in `warnings`."""
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "big5", "cp1252"]).best()
    if best is None or best.encoding is None:
        best = from_bytes(data).best()
    picked = best.encoding if best is not None and best.encoding is not None else None
    candidates: dict[str, str] = {}
    for enc in ("gb18030", "big5"):
        try:
            candidates[enc] = data.decode(enc)
        except UnicodeDecodeError:
            pass
    if picked is not None and picked not in candidates:
        candidates[picked] = str(best)
    if not candidates:
        raise InputError(f"{name}: cannot decode the text (not UTF-8 and no known encoding fits); save it as UTF-8")
    scores = {enc: _chinese_score(text) for enc, text in candidates.items()}
    enc = max(candidates, key=lambda e: (scores[e], e == "gb18030", e == picked))
    if warnings is not None and (scores[enc] < 0.5 or (picked and enc != picked.replace("_", ""))):
        what = "does not read as Chinese" if scores[enc] < 0.5 else "is short or mixed"
        warnings.append(
            f"{name}: not UTF-8; read as {enc.upper()}, a guess (the text {what}); "
            "if it looks wrong, save the file as UTF-8"
        )
    return candidates[enc]


def display_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (which the OS hands over as lone
    surrogates) shown as \\xNN, so the name can be written, hashed and printed."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def mib(n: int) -> str:
    """A size in bytes in the unit of --max-size, MiB (2**20 bytes): "62.9 MiB", "0.5 MiB"."""
    return f"{n / 2**20:.3g} MiB"


def max_bytes_of(size_mib: float) -> int:
    """--max-size (MiB, a positive finite number) → bytes."""
    if not isinstance(size_mib, (int, float)) or not math.isfinite(size_mib) or size_mib <= 0:
        raise InputError(f"{size_mib!r} is not a size; give a positive number of MiB")
    return int(size_mib * 2**20)
