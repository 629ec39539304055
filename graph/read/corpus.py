"""Corpora of one speech per row (JSON lines or CSV, gzipped or not) → speeches."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from speechkg.graph.errors import InputError, first_line
from speechkg.graph.model import Speech
from speechkg.graph.read.decode import DEFAULT_MAX_BYTES, display_name, mib
from speechkg.graph.read.files import bom_of, check_regular
from speechkg.graph.read.reader import byline_date, guess_title

if TYPE_CHECKING:
    pass


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
        self.found = 0
        try:
            lines = _Lines(_decoded(fh, self))
            csv_file = self.path.lower().endswith((".csv", ".csv.gz"))
            yield from (self._csv_rows(lines) if csv_file else self._json_rows(lines))
        except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else first_line(exc)
            raise InputError(f"{self.name}: cannot read it{self.after} ({why})") from None
        finally:
            fh.close()
        if not self.found:
            raise InputError(f"{self.name}: {self._none()}")

    @property
    def after(self) -> str:
        """What a problem that stops the file leaves out: "" before the first row."""
        return f" after row {self.row}; the rows after it were not read" if self.row else ""

    def _none(self) -> str:
        """Why a corpus gave no row (CSV: its header was read)."""
        if self.path.lower().endswith((".csv", ".csv.gz")):
            return "a header and no rows; a CSV corpus holds a header and one row per speech"
        what = f"no rows, only {self.row:,} blank lines" if self.row else "empty"
        return f"{what}; a .jsonl corpus holds one JSON object per line"

    def _open(self):
        import gzip

        check_regular(self.path, "file")
        try:
            raw = open(self.path, "rb")  # noqa: SIM115 — closed by __iter__
        except OSError as exc:
            raise InputError(f"{self.name}: cannot read it ({exc.strerror})") from None
        if not self.path.lower().endswith(".gz"):
            return raw
        return gzip.GzipFile(fileobj=raw, mode="rb")

    def _over(self) -> str:
        return f"{self.where}: the row is over the {mib(self.max_bytes)} limit; raise it with --max-size"

    def _json_rows(self, fh: _Lines) -> Iterator[Row]:
        import json

        limit = self.max_bytes
        while True:
            self.row += fh.skip_blank(_JSON_BLANK)
            line = fh.readline(limit + 2)  # the row, its newline, and one byte to know it is over
            if not line:
                return
            self.row += 1
            if len(line) > limit + 1 or (len(line) > limit and not line.endswith(b"\n")):
                while not line.endswith(b"\n") and (line := fh.readline(1 << 20)):
                    pass  # the rest of the row, a chunk at a time
                self.found += 1
                yield Row(self.where, error=self._over())
                continue
            if not line.strip():
                continue
            self.found += 1
            try:
                value = json.loads(line.decode("utf-8"))
            except UnicodeDecodeError:
                yield Row(self.where, error=f"{self.where}: not UTF-8 (JSON lines are UTF-8)")
                continue
            except RecursionError:
                yield Row(self.where, error=f"{self.where}: not JSON that can be read (nested too deeply)")
                continue
            except ValueError as exc:
                yield Row(self.where, error=f"{self.where}: not JSON ({first_line(exc)[:100]})")
                continue
            if not isinstance(value, dict):
                yield Row(self.where, error=f"{self.where}: not a JSON object but {_json_kind(value)}")
                continue
            yield self._row(value)

    def _csv_rows(self, fh: _Lines) -> Iterator[Row]:
        import csv

        lines = _CsvLines(fh, self.max_bytes)
        reader = csv.reader(lines)

        def record() -> list[str] | None:
            """The next record, or None; csv's field size limit raised meanwhile only (it is
            global), since _CsvLines bounds the record's size."""
            lines.size = 0
            fh.skip_blank(_CSV_BLANK)
            old = csv.field_size_limit(self.max_bytes + 1)
            try:
                return next(reader, None)
            finally:
                csv.field_size_limit(old)

        try:
            header = record()
        except (_TooLong, csv.Error) as exc:
            raise InputError(f"{self.name}: its header is not a CSV row ({first_line(exc)[:100]})") from None
        if header is None:
            raise InputError(f"{self.name}: empty; a CSV corpus needs a header row and a row per speech")
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
                self.found += 1
                raise InputError(f"{self._over()}; the rows after it were not read") from None
            except csv.Error as exc:
                self.row += 1
                self.found += 1
                yield Row(self.where, error=f"{self.where}: not a CSV row ({first_line(exc)[:100]})")
                continue
            if row is None:
                return
            if not row:
                continue  # a blank line
            self.row += 1
            self.found += 1
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


#: what a blank line holds besides its newline: in JSON lines any whitespace (bytes.strip's), in CSV nothing
_JSON_BLANK = re.compile(rb"[^ \t\n\r\x0b\x0c]")
_CSV_BLANK = re.compile(rb"[^\r\n]")


class _Lines:
    """A binary stream's lines, read by blocks of at least BLOCK bytes: `readline(limit)` as a
    file's, and `skip_blank` that passes a run of blank lines in a few scans of a block (one
    readline a blank line made 200 MiB of them 128 s)."""

    BLOCK = 1 << 20

    def __init__(self, raw) -> None:
        self.raw, self.buf, self.pos = raw, bytearray(), 0

    def _fill(self) -> bool:
        """Read more: what one read of the stream gives, up to a block or as much as is held (a
        long line costs linear time). One read only (read1), so that the lines before a damaged
        end of a gzip file are had before its error."""
        del self.buf[: self.pos]
        self.pos = 0
        chunk = self.raw.read1(max(self.BLOCK, len(self.buf)))
        self.buf += chunk
        return bool(chunk)

    def readline(self, limit: int) -> bytes:
        """The next line with its newline, or its first `limit` bytes; b"" at the end."""
        scanned = 0
        while True:
            i = self.buf.find(b"\n", self.pos + scanned, self.pos + limit)
            if i >= 0:
                end = i + 1
                break
            if len(self.buf) - self.pos >= limit:
                end = self.pos + limit
                break
            scanned = len(self.buf) - self.pos
            if not self._fill():
                end = len(self.buf)
                break
        line = bytes(self.buf[self.pos : end])
        self.pos = end
        return line

    def skip_blank(self, content: re.Pattern[bytes]) -> int:
        """Pass the blank lines ahead (lines with no byte `content` matches), and the blank start
        of the next line; the number of newlines passed. Blank bytes are never held beyond a block."""
        n = 0
        while True:
            m = content.search(self.buf, self.pos)
            stop = m.start() if m else len(self.buf)
            n += self.buf.count(b"\n", self.pos, stop)
            self.pos = stop
            if m or not self._fill():
                return n


class _Recoded:
    """A UTF-16 or UTF-32 stream (its byte-order mark read) as UTF-8 bytes."""

    def __init__(self, raw, encoding: str, head: bytes, corpus: Corpus) -> None:
        import codecs

        self.raw, self.head, self.encoding, self.corpus = raw, head, encoding, corpus
        self.decoder = codecs.getincrementaldecoder(encoding)()

    def read1(self, size: int) -> bytes:
        while True:
            data, self.head = self.head or self.raw.read1(size), b""
            try:
                text = self.decoder.decode(data, final=not data)
            except UnicodeDecodeError:
                c = self.corpus
                raise InputError(
                    f"{c.name}: bytes that are not {self.encoding.upper()} (its byte-order mark's "
                    f"encoding){c.after}; save it as UTF-8"
                ) from None
            if text or not data:
                return text.encode("utf-8", "surrogatepass")


class _Prefixed:
    """A stream with bytes already read put back before it."""

    def __init__(self, head: bytes, raw) -> None:
        self.head, self.raw = head, raw

    def read1(self, size: int) -> bytes:
        if self.head:
            data, self.head = self.head, b""
            return data
        return self.raw.read1(size)


def _decoded(raw, corpus: Corpus):
    """The corpus's bytes as UTF-8: a UTF-8 byte-order mark dropped, UTF-16 and UTF-32 (by their
    marks) recoded, anything else as it is (rows that are not UTF-8 are told row by row)."""
    head = raw.read(4)
    while len(head) < 4 and (more := raw.read(4 - len(head))):
        head += more
    found = bom_of(head)
    if found is None:
        return _Prefixed(head, raw)
    bom, enc = found
    if enc == "utf-8":
        return _Prefixed(head[len(bom) :], raw)
    return _Recoded(raw, enc, head[len(bom) :], corpus)


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
