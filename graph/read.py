"""Files, directories and standard input → `Speech` objects.

Text is decoded as UTF-8 (with or without BOM) when it is valid UTF-8, otherwise
with the encoding charset-normalizer detects (GB18030/GBK, Big5, …). Binary files
and undecodable bytes are refused with an `InputError` naming the file.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError
from .model import Speech

if TYPE_CHECKING:
    from bs4.builder import HTMLParserTreeBuilder

#: File suffixes read as speeches when a directory is given.
TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx")
#: Files larger than this are refused before they are read whole.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

_TITLE_END = "。：:！？；，,!?;"


_BOMS = (
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
    for bom, enc in _BOMS:
        if data.startswith(bom):
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


def guess_title(text: str) -> str | None:
    """The first line when it looks like a title: short, no closing punctuation, more text after."""
    lines = [ln.strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]
    if len(lines) < 2:
        return None
    first = lines[0]
    if len(first) > 60 or first[-1] in _TITLE_END or re.match(r"^[一二三四五六七八九十]+、", first):
        return None
    return first


def display_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (which the OS hands over as lone
    surrogates) shown as \\xNN, so the name can be written, hashed and printed."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, refusing a missing, unreadable or oversized file, and anything but
    a regular file or a FIFO that has a writer (a FIFO with none would block for ever)."""
    name = display_name(str(path))
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read it ({exc.strerror})") from None
    if stat.S_ISFIFO(st.st_mode):
        return _read_fifo(path, name, max_bytes)
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{name}: not a regular file (a device or socket); give a file, or - for standard input")
    if st.st_size > max_bytes:
        raise InputError(f"{name}: {mib(st.st_size)} is over the {mib(max_bytes)} limit; raise it with --max-size")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot read it ({exc.strerror})") from None


def _read_fifo(path: Path, name: str, max_bytes: int) -> bytes:
    """A FIFO's bytes, when a process has it open for writing (else an error, never a hang)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise InputError(f"{name}: cannot read it ({exc.strerror})") from None
    try:
        try:
            first = os.read(fd, 65536)
        except BlockingIOError:
            first = b""  # a writer, no data yet
        else:
            if not first:
                raise InputError(
                    f"{name}: a FIFO with no process writing to it; start the writer first, or pipe the text to -"
                )
        os.set_blocking(fd, True)
        parts, size = [first], len(first)
        while chunk := os.read(fd, 1 << 20):
            parts.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                raise InputError(f"{name}: over the {mib(max_bytes)} limit; raise it with --max-size")
        return b"".join(parts)
    except OSError as exc:
        raise InputError(f"{name}: cannot read it ({exc.strerror})") from None
    finally:
        os.close(fd)


#: elements read as paragraphs (a <br> is a line break)
_BLOCKS = frozenset(
    ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "blockquote", "pre")
)
#: elements whose whole content is left out of a page's text
_DROPPED = frozenset(
    ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "template")
)
#: where a page's text is looked for, the first found: the first <article>, <main>, <body>, else the page
_SCOPES = ("article", "main", "body")


def html_text(data: bytes, name: str) -> str:
    """The main text of a saved web page: scripts, styles, navigation, headers and footers
    dropped; one paragraph a line.

    The text is that of the innermost blocks (<p>, <div>, <li> … holding no other block) of the
    page's first <article>, else <main>, else <body>, else of the whole page; a page with no
    block there gives all its text, a line a string; the <title> comes first. The page is read
    as it is parsed (Beautiful Soup's html.parser tokenizer and tree rules, see _PageText),
    never held as a tree: memory grows with the text, not with the markup, and time linearly
    with both. (libxml2, lxml's parser, stops at a depth of 256 and closes unclosed tags
    otherwise, which would change the text of such pages.)"""
    from bs4.builder import HTMLParserTreeBuilder, ParserRejectedMarkup
    from bs4.builder._htmlparser import BeautifulSoupHTMLParser

    builder = HTMLParserTreeBuilder()
    try:
        markup = next(iter(builder.prepare_markup(data)))[0]  # bytes → str, as BeautifulSoup decodes
        page = _PageText(builder)
        args, kwargs = builder.parser_args
        parser = BeautifulSoupHTMLParser(page, *args, **kwargs)
        parser.feed(markup)
        parser.close()
    except (AssertionError, ParserRejectedMarkup) as exc:
        raise InputError(f"{display_name(name)}: the HTML parser rejected it ({_first_line(exc)})") from None
    return page.text()


class _Void:
    """What _PageText.handle_starttag gives back: whether the element is an empty one (<br>)."""

    __slots__ = ("is_empty_element",)

    def __init__(self, empty: bool) -> None:
        self.is_empty_element = empty


_EMPTY, _NOT_EMPTY = _Void(True), _Void(False)


class _Scope:
    """The text an element (<article>, <main>, <body>) or the page would give: the lines of the
    innermost blocks below it and, while it has no block, all its strings."""

    __slots__ = ("lines", "strings")

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.strings: list[str] | None = []  # None once a block is found below it


class _PageText:
    """The sink of Beautiful Soup's html.parser tokenizer (BeautifulSoupHTMLParser) that makes
    no tree: it keeps the stack of open elements by the rules BeautifulSoup builds its tree
    with (an end tag closes up to the latest open element of its name, none if none is open;
    no other tag closes one; ASCII-blank strings collapse to one space or line break outside
    <pre> and <textarea>; strings in <rt>, <rp>, <script>, <style>, <template> and comments,
    doctypes and processing instructions are no text; CDATA is), and gathers as it goes the
    text that the old tree walk found (see html_text): each innermost block's strings, each
    scope's lines, the first title's strings. Content of a _DROPPED element is skipped."""

    def __init__(self, builder: HTMLParserTreeBuilder) -> None:
        from bs4.element import CData, NavigableString

        self.builder = builder  # read by BeautifulSoupHTMLParser
        self.contains_replacement_characters = False
        self._string, self._cdata = NavigableString, CData
        self._void = builder.can_be_empty_element
        self._keep_blanks = builder.preserve_whitespace_tags
        self._containers = builder.string_containers
        self.current_data: list[str] = []
        self.names: list[str] = []  # the open elements
        self._names: dict[str, str] = {}
        self.flags: list[int] = []  # what each is (the bits below)
        self.open: dict[str, int] = {}  # name → how many of that name are open
        self.blank_kept = self.contained = self.dropped = 0  # open <pre>s, string containers, dropped
        self.blocks: list[list[str] | None] = []  # open blocks' strings (None: it holds a block)
        self.scopes: dict[str, _Scope] = {}  # the first <article>, <main>, <body>
        self.page = _Scope()
        self.inside: list[_Scope] = [self.page]  # the scopes open: the page and those open
        self.title: list[str] | None = None
        self.title_open = False

    _PRE, _CONTAINER, _DROP, _BLOCK, _SCOPE, _TITLE = 1, 2, 4, 8, 16, 32

    def handle_starttag(
        self,
        name: str,
        namespace: str | None,
        nsprefix: str | None,
        attrs: dict[str, str],
        sourceline: int | None = None,
        sourcepos: int | None = None,
    ) -> _Void:
        self.endData()
        flags = 0
        if name in self._keep_blanks:
            flags |= self._PRE
            self.blank_kept += 1
        if name in self._containers:
            flags |= self._CONTAINER
            self.contained += 1
        if name in _DROPPED:
            flags |= self._DROP
            self.dropped += 1
        elif not self.dropped:
            if name == "br":  # a line break (the old walk replaced every <br> in its scope by one)
                self._text("\n")
            elif name in _BLOCKS:
                flags |= self._BLOCK
                if self.blocks:
                    self.blocks[-1] = None  # it holds a block: not an innermost one
                self.blocks.append([])
                for scope in self.inside:
                    scope.strings = None
            if name in _SCOPES and name not in self.scopes:
                flags |= self._SCOPE
                self.scopes[name] = scope = _Scope()
                self.inside.append(scope)
            if name == "title" and self.title is None:
                flags |= self._TITLE
                self.title, self.title_open = [], True
        self.names.append(self._names.setdefault(name, name))  # one string a name, however many open
        self.flags.append(flags)
        self.open[name] = self.open.get(name, 0) + 1
        return _EMPTY if self._void(name) else _NOT_EMPTY

    def handle_endtag(self, name: str, nsprefix: str | None = None) -> None:
        self.endData()
        if self.open.get(name):
            while self._pop() != name:
                pass

    def handle_data(self, data: str) -> None:
        self.current_data.append(data)

    def endData(self, container: type | None = None) -> None:  # BeautifulSoup's name, which the tokenizer calls
        if not self.current_data:
            return
        data = "".join(self.current_data)
        self.current_data = []
        if not self.blank_kept and not data.strip("\x20\x0a\x09\x0c\x0d"):
            data = "\n" if "\n" in data else " "
        if self.dropped:
            return
        if container is self._cdata or (container in (None, self._string) and not self.contained):
            self._text(data)
            if self.title_open:
                self.title.append(data)

    def _text(self, data: str) -> None:
        """A string (or a <br>'s line break) of the page, not in a dropped element."""
        if self.blocks and self.blocks[-1] is not None:
            self.blocks[-1].append(data)
        for scope in self.inside:
            if scope.strings is not None:
                scope.strings.append(data)

    def _pop(self) -> str:
        name, flags = self.names.pop(), self.flags.pop()
        self.open[name] -= 1
        if flags:
            if flags & self._PRE:
                self.blank_kept -= 1
            if flags & self._CONTAINER:
                self.contained -= 1
            if flags & self._DROP:
                self.dropped -= 1
            if flags & self._SCOPE:  # closed before its own lines are given out: it is no block of its own
                self.inside.remove(self.scopes[name])
            if flags & self._TITLE:
                self.title_open = False
            if flags & self._BLOCK:
                strings = self.blocks.pop()
                if strings is not None:  # an innermost block: its lines go to the scopes it is in
                    lines = [ln.strip() for ln in "".join(strings).split("\n")]
                    for scope in self.inside:
                        scope.lines.extend(lines)
        return name

    def text(self) -> str:
        """The page's text, once it is all parsed."""
        self.endData()
        while self.names:
            self._pop()
        root = next((self.scopes[n] for n in _SCOPES if n in self.scopes), self.page)
        if root.strings is None:
            lines = root.lines
        else:  # no block in it: all its strings
            lines = [ln.strip() for ln in "\n".join(root.strings).split("\n")]
        title = " ".join(t for t in (s.strip() for s in self.title or ()) if t)
        body = [ln for ln in lines if ln]
        if title and (not body or body[0] != title):
            body.insert(0, title)
        return "\n".join(body)


def mib(n: int) -> str:
    """A size in bytes in the unit of --max-size, MiB (2**20 bytes): "62.9 MiB", "0.5 MiB"."""
    return f"{n / 2**20:.3g} MiB"


def max_bytes_of(size_mib: float) -> int:
    """--max-size (MiB, a positive finite number) → bytes."""
    if not isinstance(size_mib, (int, float)) or not math.isfinite(size_mib) or size_mib <= 0:
        raise InputError(f"{size_mib!r} is not a size; give a positive number of MiB")
    return int(size_mib * 2**20)


#: A .docx member may inflate at most this many times its compressed size (text XML
#: compresses some 5–20:1; a decompression bomb hundreds or thousands to one) …
DOCX_MAX_RATIO = 100
#: … once it is larger than this.
_DOCX_RATIO_FROM = 1 << 20


def _check_docx_package(data: bytes, name: str, max_bytes: int) -> None:
    """Refuse a .docx whose XML (the parts that hold its text) would inflate beyond
    `max_bytes`, or any member at a ratio only a decompression bomb has, from the sizes the
    zip declares, before anything is inflated (zipfile never inflates a member beyond its
    declared size). The text is shorter than its XML, so this bounds the text too; pictures
    do not compress, so they stay near the file's own size."""
    import io
    import zipfile

    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise InputError(
            f"{name}: not a readable .docx file ({type(exc).__name__}); save it again from a word processor"
        ) from None
    for i in infos:
        if i.file_size > _DOCX_RATIO_FROM and i.file_size > DOCX_MAX_RATIO * max(i.compress_size, 1):
            raise InputError(
                f"{name}: {display_name(i.filename)} inflates "
                f"{i.file_size / max(i.compress_size, 1):.0f}:1, over the "
                f"{DOCX_MAX_RATIO}:1 limit for a .docx member (a decompression bomb?)"
            )
    xml = sum(i.file_size for i in infos if i.filename.lower().endswith((".xml", ".rels")))
    if xml > max_bytes:
        raise InputError(
            f"{name}: its XML is {mib(xml)} once unzipped, over the {mib(max_bytes)} limit; raise it with --max-size"
        )


def docx_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, data: bytes | None = None) -> str:
    """The paragraphs of a .docx file, one a line (tables' cells too). The package (`data`,
    else read from `path`) is checked first: its XML may inflate to at most `max_bytes`,
    and no member like a decompression bomb."""
    import io

    import docx

    name = display_name(str(path))
    if data is None:
        data = read_bytes(Path(path), max_bytes)
    _check_docx_package(data, name, max_bytes)
    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a bad package
        raise InputError(
            f"{name}: not a readable .docx file ({type(exc).__name__}); save it again from a word processor"
        ) from None
    lines = [p.text.strip() for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            lines.extend(c.text.strip() for c in row.cells)
    return "\n".join(ln for ln in lines if ln)


_BYLINE_DATE = re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日")


def byline_date(text: str) -> _dt.date | None:
    """A date in the first lines (a byline such as （2022年1月20日）), else None."""
    for line in [ln for ln in text.split("\n") if ln.strip()][:4]:
        m = _BYLINE_DATE.search(line)
        if m and len(line.strip()) <= 40:
            try:
                return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def read_dates(path: str | Path) -> dict[str, _dt.date]:
    """A CSV of file,date (YYYY-MM-DD) lines: the date of each speech of a corpus."""
    import csv

    p = Path(path)
    try:
        rows = list(csv.reader(p.read_text(encoding="utf-8-sig").splitlines()))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: cannot read the dates file ({exc})") from None
    except csv.Error as exc:
        raise InputError(f"{p}: not a readable dates CSV ({exc}); give file,date lines") from None
    out = {}
    for n, row in enumerate(rows, 1):
        if not row or (n == 1 and row[0].strip().lower() in ("file", "filename", "source")):
            continue
        if len(row) < 2:
            raise InputError(f"{p}: line {n} needs file,date")
        try:
            out[row[0].strip()] = _dt.date.fromisoformat(row[1].strip())
        except ValueError:
            raise InputError(f"{p}: line {n}: {row[1].strip()!r} is not a date; use YYYY-MM-DD") from None
    return out


def read_speech(
    path: str | Path,
    date: _dt.date | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    source: str | None = None,
    warnings: list[str] | None = None,
) -> Speech:
    """One file (or `-` for standard input) → Speech. `source` names it in the graph
    (default: the file name). The date is `date`, else a byline date in the text.
    Encoding guesses are reported in `warnings`."""
    if str(path) == "-":
        if sys.stdin is None:
            raise InputError("-: standard input is closed; give a file, or pipe the text in")
        data = _read_stdin(max_bytes)
        name = "-"
        text = decode(data, "-", warnings)
    else:
        p = Path(path)
        if p.is_dir():
            raise InputError(f"{display_name(str(p))}: is a directory; use expand_inputs() for directories")
        data = read_bytes(p, max_bytes)
        name = display_name(source or p.name)
        suffix = p.suffix.lower()
        if suffix == ".docx":
            text = docx_text(p, max_bytes, data)
        elif suffix in (".html", ".htm"):
            text = html_text(data, str(p))
        else:
            text = decode(data, display_name(str(path)), warnings)
    return Speech(text=text, source=name, date=date or byline_date(text), title=guess_title(text))


def _read_stdin(max_bytes: int) -> bytes:
    """Standard input, at most `max_bytes`: one byte more is read to know it is over, no more
    (a pipe from an endless source is refused, never read whole)."""
    stream = getattr(sys.stdin, "buffer", sys.stdin)
    parts, size = [], 0
    try:
        while size <= max_bytes:
            chunk = stream.read(min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            parts.append(chunk)
            size += len(chunk)
    except (OSError, ValueError) as exc:
        raise InputError(f"-: cannot read standard input ({exc}); give a file") from None
    if size > max_bytes:
        raise InputError(f"-: standard input is over the {mib(max_bytes)} limit; raise it with --max-size")
    return b"".join(parts)


def too_long(text: str) -> bool:
    """Whether a text is too long to be written as one literal that strict parsers read back
    (store.MAX_LITERAL_BYTES as RDF; the whole text is one nif:Context literal)."""
    from . import store

    return len(text) * 4 > store.MAX_LITERAL_BYTES and store.literal_size(text) > store.MAX_LITERAL_BYTES


_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")


def parts(speech: Speech) -> list[Speech]:
    """A speech too long for one literal (too_long) → consecutive parts, each short enough,
    split at line ends (a longer line at sentence ends, a longer sentence anywhere), each its
    own speech named NAME#K, as if they were files of those names, with the whole's date, year
    and title; the parts' texts joined are the text. A speech short enough → [speech]."""
    from . import store

    if not too_long(speech.text):
        return [speech]
    budget = store.MAX_LITERAL_BYTES - 2  # the two quotes
    texts: list[str] = []
    held: list[str] = []
    size = 0
    for piece in _pieces(speech.text, budget):
        n = store.literal_size(piece) - 2
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
    from . import store

    for line in text.splitlines(keepends=True):
        if store.literal_size(line) - 2 <= budget:
            yield line
            continue
        for sentence in _SENTENCE_END.split(line):
            if store.literal_size(sentence) - 2 <= budget:
                yield sentence
            else:
                step = budget // 6
                yield from (sentence[i : i + step] for i in range(0, len(sentence), step))


@dataclass
class Inputs:
    """The files a build reads: (path, source name) pairs, each file once; warnings about
    files given more than once; folders that could not be read, with why."""

    files: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)


def resolve_inputs(inputs: Iterable[str]) -> Inputs:
    """Expand the inputs (see expand_inputs), drop a file given twice (with a warning), and
    give files that would share a source name their path below their common folder.

    The source name identifies a speech (its IRI): a file's name, or its path inside the
    directory given, so it does not depend on the working directory. Two different files
    never share one: `A/speech.txt` and `B/speech.txt` become exactly that."""
    out = Inputs()
    seen: dict[tuple[int, int] | str, str] = {}
    items = []
    for path, source in expand_inputs(inputs, out.unreadable):
        if path == "-":
            key: tuple[int, int] | str = "-"
        else:
            try:
                st = os.stat(path)
                key = (st.st_dev, st.st_ino)
            except OSError:
                key = os.path.abspath(path)  # read_speech reports it
        if key in seen:
            out.warnings.append(f"{display_name(path)}: given more than once (as {display_name(seen[key])}); read once")
            continue
        seen[key] = path
        items.append([path, display_name(source)])
    by_source: dict[str, list[list[str]]] = {}
    for item in items:
        by_source.setdefault(item[1], []).append(item)
    for source, group in by_source.items():
        if len(group) < 2 or source == "-":
            continue
        real = [os.path.realpath(path) for path, _ in group]
        top = os.path.commonpath([os.path.dirname(r) for r in real])
        for item, r in zip(group, real, strict=True):
            item[1] = display_name(Path(os.path.relpath(r, top)).as_posix())
    names = [source for _, source in items]
    clash = sorted({n for n in names if names.count(n) > 1})
    if clash:
        raise InputError(f"two different inputs would be one speech named {clash[0]!r}; rename one of them")
    out.files = [(path, source) for path, source in items]
    return out


def expand_inputs(inputs: Iterable[str], unreadable: list[tuple[str, str]] | None = None) -> Iterator[tuple[str, str]]:
    """(path, source name) for each input; directories expanded recursively, sorted.

    The source name identifies a speech in the graph, independent of the working
    directory: a file's name, or its path inside the directory that was given. Folders
    inside a directory that cannot be read are added to `unreadable` (path, why)."""
    for item in inputs:
        if item == "-":
            yield item, "-"
            continue
        p = Path(item)
        if not p.exists() and any(c in item for c in "*?["):
            matches = (
                sorted(Path().glob(item))
                if not p.is_absolute()
                else sorted(Path(p.anchor).glob(str(p.relative_to(p.anchor))))
            )
            if not matches:
                raise InputError(f"{display_name(item)}: no file matches this pattern")
            for f in matches:
                if f.is_file():
                    yield str(f), f.name
            continue
        if p.is_dir():
            failed: list[tuple[str, str]] = []
            found = _speech_files(p, failed)
            if unreadable is not None:
                unreadable.extend(failed)
            if not found:
                if failed:
                    raise InputError(failed[0][1])
                raise InputError(
                    f"{display_name(str(p))}: no speech files in this directory (looked for {', '.join(TEXT_SUFFIXES)})"
                )
            for f in found:
                yield str(f), f.relative_to(p).as_posix()
        else:
            yield item, p.name


def _speech_files(top: Path, failed: list[tuple[str, str]]) -> list[Path]:
    """The speech files below `top`, sorted; folders that cannot be read go to `failed`.
    Symlinked folders are not entered (no loops); symlinked files are read."""

    def onerror(exc: OSError) -> None:
        where = display_name(str(exc.filename))
        failed.append(
            (str(exc.filename), f"{where}: cannot read this folder ({exc.strerror}); its speeches were not read")
        )

    found = []
    for root, _dirs, files in os.walk(top, onerror=onerror):
        for name in files:
            f = Path(root) / name
            if f.suffix.lower() in TEXT_SUFFIXES and f.is_file():
                found.append(f)
    return sorted(found)


#: files read as corpora, one speech per row (JSON lines, or CSV with a header), gzipped or not
CORPUS_SUFFIXES = (".jsonl", ".jsonl.gz", ".csv", ".csv.gz")
#: a row's id (its speech's name) is at most this many characters
MAX_ID_CHARS = 1000

_ROW_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")


def is_corpus(path: str) -> bool:
    """Whether `path` is read as a corpus (one speech per row) rather than as one speech."""
    return path != "-" and path.lower().endswith(CORPUS_SUFFIXES)


@dataclass(frozen=True)
class Fields:
    """The fields (JSON keys or CSV columns) of a corpus row that hold a speech's text, date, id
    and title. The text field is needed in every row. Those left None are looked for under their
    default names (`date`, `id`, `title`) and may be absent; a field named must be in every row
    (its value may be empty)."""

    text: str = "text"
    date: str | None = None
    id: str | None = None
    title: str | None = None

    def name(self, which: str) -> str:
        return getattr(self, which) or which

    def required(self, which: str) -> bool:
        return which == "text" or getattr(self, which) is not None


@dataclass(frozen=True)
class Row:
    """One row of a corpus: where it is (`FILE:ROW`), and its speech, or why it has none."""

    where: str
    speech: Speech | None = None
    error: str | None = None


class _TooLong(Exception):
    """A CSV record over the size limit (raised inside the csv reader, which stops the file)."""


class Corpus:
    """The rows of a corpus file (.jsonl, .jsonl.gz, .csv, .csv.gz), one speech each, read one
    at a time: the file is never held whole, only the row being read, and a row is read to at
    most `max_bytes` (uncompressed). A row is what a file of its text would be: its id is the
    speech's name (default: `SOURCE:ROW`, the corpus's own name and the row number), its date
    the date field, else `date_for(id)`, else a byline date; its title the title field, else
    the first line when it looks like one.

    Iterating yields a Row for every row; a bad row has its error (one line, naming the row).
    A problem with the file itself (missing, not gzip, a CSV header without the text column, a
    CSV record over the limit, a read error) raises InputError, saying after which row when
    some were read. `row` is the number of the row being read (a JSON line's line number, a
    CSV record's number after the header)."""

    def __init__(
        self,
        path: str,
        source: str,
        fields: Fields | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        date_for: Callable[[str], _dt.date | None] | None = None,
    ) -> None:
        self.path, self.source = path, source
        self.fields = fields or Fields()
        self.max_bytes = max_bytes
        self.date_for = date_for
        self.name = display_name(path)
        self.row = 0

    @property
    def where(self) -> str:
        return f"{self.name}:{self.row}"

    def __iter__(self) -> Iterator[Row]:
        import gzip
        import zlib

        fh = self._open()
        try:
            csv_file = self.path.lower().endswith((".csv", ".csv.gz"))
            yield from (self._csv_rows(fh) if csv_file else self._json_rows(fh))
        except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else _first_line(exc)
            after = f" after row {self.row}; the rows after it were not read" if self.row else ""
            raise InputError(f"{self.name}: cannot read it{after} ({why})") from None
        finally:
            fh.close()

    def _open(self):
        import gzip

        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise InputError(f"{self.name}: no such file") from None
        except OSError as exc:
            raise InputError(f"{self.name}: cannot read it ({exc.strerror})") from None
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{self.name}: not a regular file; a corpus is read from a file")
        try:
            raw = open(self.path, "rb")  # noqa: SIM115 — closed by __iter__
        except OSError as exc:
            raise InputError(f"{self.name}: cannot read it ({exc.strerror})") from None
        if not self.path.lower().endswith(".gz"):
            return raw
        return gzip.GzipFile(fileobj=raw, mode="rb")

    def _over(self) -> str:
        return f"{self.where}: the row is over the {mib(self.max_bytes)} limit; raise it with --max-size"

    def _json_rows(self, fh) -> Iterator[Row]:
        import json

        limit = self.max_bytes
        while True:
            line = fh.readline(limit + 2)  # the row, its newline, and one byte to know it is over
            if not line:
                return
            self.row += 1
            if len(line) > limit + 1 or (len(line) > limit and not line.endswith(b"\n")):
                while not line.endswith(b"\n") and (line := fh.readline(1 << 20)):
                    pass  # the rest of the row, a chunk at a time
                yield Row(self.where, error=self._over())
                continue
            if self.row == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line.strip():
                continue
            try:
                value = json.loads(line.decode("utf-8"))
            except UnicodeDecodeError:
                yield Row(self.where, error=f"{self.where}: not UTF-8 (JSON lines are UTF-8)")
                continue
            except RecursionError:
                yield Row(self.where, error=f"{self.where}: not JSON that can be read (nested too deeply)")
                continue
            except ValueError as exc:
                yield Row(self.where, error=f"{self.where}: not JSON ({_first_line(exc)[:100]})")
                continue
            if not isinstance(value, dict):
                yield Row(self.where, error=f"{self.where}: not a JSON object but {_json_kind(value)}")
                continue
            yield self._row(value)

    def _csv_rows(self, fh) -> Iterator[Row]:
        import csv

        lines = _CsvLines(fh, self.max_bytes)
        reader = csv.reader(lines)

        def record() -> list[str] | None:
            """The next record, or None; csv's field size limit raised meanwhile only (it is
            global), since _CsvLines bounds the record's size."""
            lines.size = 0
            old = csv.field_size_limit(self.max_bytes + 1)
            try:
                return next(reader, None)
            finally:
                csv.field_size_limit(old)

        try:
            header = record()
        except (_TooLong, csv.Error) as exc:
            raise InputError(f"{self.name}: its header is not a CSV row ({_first_line(exc)[:100]})") from None
        if header is None:
            raise InputError(f"{self.name}: empty; a CSV corpus needs a header row and a row per speech")
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        missing = [
            w for w in ("text", "date", "id", "title") if self.fields.required(w) and self.fields.name(w) not in header
        ]
        if missing:
            raise InputError(
                f"{self.name}: no column {self.fields.name(missing[0])!r} (columns: "
                f"{', '.join(h[:40] for h in header[:20])}); name the column with "
                f"--{missing[0]}-field"
            )
        while True:
            try:
                row = record()
            except _TooLong:
                self.row += 1
                raise InputError(f"{self._over()}; the rows after it were not read") from None
            except csv.Error as exc:
                self.row += 1
                yield Row(self.where, error=f"{self.where}: not a CSV row ({_first_line(exc)[:100]})")
                continue
            if row is None:
                return
            if not row:
                continue  # a blank line
            self.row += 1
            if len(row) != len(header):
                yield Row(self.where, error=f"{self.where}: {len(row)} fields where the header has {len(header)}")
                continue
            values: dict[str, object] = {}
            for key, value in zip(header, row, strict=True):
                values.setdefault(key, value)
            yield self._row(values)

    def _row(self, values: dict) -> Row:
        """A row's fields → its Row."""
        where = self.where
        try:
            fields = {w: self._field(values, w) for w in ("text", "date", "id", "title")}
            text, day, ident, title = fields["text"], fields["date"], fields["id"], fields["title"]
            if text is None:
                raise InputError(f"the {self.fields.text!r} field is null")
            text = _row_text(text)
            source = self._id(ident) if ident not in (None, "") else f"{self.source}:{self.row}"
            date = _row_date(day) if day not in (None, "") else None
        except InputError as exc:
            msg = str(exc)
            return Row(where, error=msg if msg.startswith(f"{where}: ") else f"{where}: {msg}")
        if date is None and self.date_for is not None:
            date = self.date_for(source)
        title = title.strip() if isinstance(title, str) else None
        return Row(
            where, Speech(text=text, source=source, date=date or byline_date(text), title=title or guess_title(text))
        )

    def _field(self, values: dict, which: str):
        name = self.fields.name(which)
        if name not in values:
            if self.fields.required(which):
                keys = ", ".join(str(k)[:40] for k in list(values)[:20])
                raise InputError(f"no {name!r} field (fields: {keys})")
            return None
        value = values[name]
        if which == "id" and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if value is not None and not isinstance(value, str):
            raise InputError(f"the {name!r} field is {_json_kind(value)}, not a string")
        return value

    def _id(self, ident: str) -> str:
        if len(ident) > MAX_ID_CHARS:
            raise InputError(f"the id is {len(ident):,} characters long, over the {MAX_ID_CHARS:,} an id may have")
        if ident == "-" or not ident.strip() or any(ord(c) < 32 or c == "\x7f" for c in ident):
            raise InputError(
                f"the id {display_name(ident)[:100]!r} cannot name a speech (empty, '-', or with control characters)"
            )
        if _has_surrogates(ident):
            raise InputError("the id is not valid Unicode (a lone surrogate)")
        return ident


class _CsvLines:
    """A binary file's lines as text for csv.reader, each read to at most what is left of the
    record's allowance of `limit` bytes (`size` is reset before each record)."""

    def __init__(self, fh, limit: int) -> None:
        self.fh, self.limit, self.size = fh, limit, 0

    def __iter__(self) -> _CsvLines:
        return self

    def __next__(self) -> str:
        line = self.fh.readline(self.limit + 1 - self.size)
        if not line:
            raise StopIteration
        self.size += len(line)
        if self.size > self.limit:
            raise _TooLong()
        return line.decode("utf-8", "surrogateescape")


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _row_text(text: str) -> str:
    """A row's text as a file of it would be read: one byte-order mark dropped, one newline
    convention; lone surrogates (not UTF-8) and NUL (binary) refused."""
    if _has_surrogates(text):
        raise InputError("the text is not valid Unicode (a lone surrogate, or bytes that are not UTF-8)")
    if "\x00" in text:
        raise InputError("the text holds a NUL character, so it looks binary")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _row_date(value: str) -> _dt.date:
    m = _ROW_DATE.fullmatch(value.strip())
    try:
        if m:
            return _dt.date.fromisoformat(m.group(1))
    except ValueError:
        pass
    raise InputError(f"{value[:40]!r} is not a date; use YYYY-MM-DD")


def _json_kind(value) -> str:
    return {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
