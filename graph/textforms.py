"""Traditional/simplified character forms (OpenCC), for language tags and extraction."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=4096)
def is_traditional(text: str) -> bool:
    """True when converting to simplified characters changes the text."""
    if all(ord(c) < 0x3400 for c in text):
        return False
    return _t2s().convert(text) != text


def to_simplified(text: str) -> str:
    """Same length as the input for the characters OpenCC maps one to one (most of them)."""
    return _t2s().convert(text)
