"""The one way speechkg reads a file it is given (speeches, lexicons, --dates, gold files, an
annotated set's files, query files): a regular file, or a FIFO a process is writing to, never
a device or a FIFO nobody writes to; at most a size limit; a FIFO within a time limit; text by
its byte-order mark, else UTF-8. Corpora (read row by row) and graph files (read by the RDF
parsers) are opened after the same check of kind (`check_kind`)."""

from __future__ import annotations

import os
import select
import stat
import time
from pathlib import Path

from speechkg.graph.errors import InputError
from speechkg.graph.read.decode import BOMS, DEFAULT_MAX_BYTES, display_name, mib

#: a FIFO that has not reached its end this long (seconds) after it was opened is given up on
FIFO_SECONDS = 60.0


def bom_of(data: bytes) -> tuple[bytes, str] | None:
    """The byte-order mark `data` starts with, and its encoding; None without one."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            return bom, enc
    return None


def check_kind(path: str | Path, what: str = "file", stdin_ok: bool = False) -> os.stat_result:
    """The file's status, once it is known to be a regular file or a FIFO (InputError: missing,
    unreadable, a directory, a device or a socket). `what` names the file in messages ("lexicon
    file"); `stdin_ok`: the message says that `-` (standard input) may be given instead."""
    name = display_name(str(path))
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{name}: no such {what}") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read it ({exc.strerror})") from None
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        instead = f"a {what}, or - for standard input" if stdin_ok else f"a {what}"
        kind = "a directory" if stat.S_ISDIR(st.st_mode) else "a device or socket"
        raise InputError(f"{name}: not a regular file ({kind}); give {instead}")
    return st


def check_regular(path: str | Path, what: str) -> os.stat_result:
    """check_kind, and a FIFO refused too: for files read as they are parsed (corpora row by
    row, graph files by the RDF parsers), which a FIFO could keep waiting."""
    st = check_kind(path, what)
    if stat.S_ISFIFO(st.st_mode):
        raise InputError(f"{display_name(str(path))}: not a regular file (a FIFO); give a {what}")
    return st


def read_bytes(
    path: str | Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    what: str = "file",
    stdin_ok: bool = False,
    limit_hint: str = "",
) -> bytes:
    """The bytes of a regular file or of a FIFO a process writes to (see check_kind), at most
    `max_bytes` (a larger file is refused before it is read; a FIFO is read to one byte past
    the limit, no further); a FIFO must reach its end within FIFO_SECONDS. `limit_hint` ends the
    message of a file over the limit (e.g. "; raise it with --max-size")."""
    name = display_name(str(path))
    st = check_kind(path, what, stdin_ok)
    over = f"is over the {mib(max_bytes)} limit{limit_hint or f' for a {what}'}"
    if stat.S_ISREG(st.st_mode) and st.st_size > max_bytes:
        raise InputError(f"{name}: {mib(st.st_size)} {over}")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise InputError(f"{name}: cannot read it ({exc.strerror})") from None
    try:
        if stat.S_ISFIFO(st.st_mode):
            data = _read_fifo(fd, name, max_bytes, stdin_ok)
        else:
            os.set_blocking(fd, True)
            data = _read_all(fd, max_bytes, None)
    except OSError as exc:
        raise InputError(f"{name}: cannot read it ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # a FIFO, or a file that grew after it was looked at
        raise InputError(f"{name}: {over}")
    return data


def read_speech_bytes(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """A speech file's bytes (read_bytes, within --max-size; `-` is the alternative)."""
    return read_bytes(path, max_bytes, stdin_ok=True, limit_hint="; raise it with --max-size")


def _read_all(fd: int, max_bytes: int, until: float | None) -> bytes:
    """What `fd` gives up to its end or one byte past `max_bytes`; on a non-blocking `fd`, each
    read waits at most until the monotonic time `until` (TimeoutError past it)."""
    parts, size = [], 0
    while size <= max_bytes:
        if until is not None:
            left = until - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        try:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
        except BlockingIOError:
            continue
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)


def _read_fifo(fd: int, name: str, max_bytes: int, stdin_ok: bool) -> bytes:
    """A FIFO's bytes, when a process has it open for writing (else an error, never a hang),
    within FIFO_SECONDS."""
    pipe = ", or pipe the text to -" if stdin_ok else ""
    try:
        first = os.read(fd, 65536)
    except BlockingIOError:
        first = b""  # a writer, no data yet
    else:
        if not first:
            raise InputError(f"{name}: a FIFO with no process writing to it; start the writer first{pipe}")
    try:
        rest = _read_all(fd, max_bytes - len(first), time.monotonic() + FIFO_SECONDS)
    except TimeoutError:
        raise InputError(
            f"{name}: a FIFO whose writer did not finish within {FIFO_SECONDS:g} s; write it to a file first{pipe}"
        ) from None
    return first + rest


def read_text(path: str | Path, what: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """A text file (a lexicon, --dates, a gold file, a plan, a query file) as read_bytes reads
    it, decoded as its byte-order mark says (UTF-8, UTF-16, UTF-32), else as UTF-8; the mark is
    no character of the text."""
    data = read_bytes(path, max_bytes, what)
    found = bom_of(data)
    bom, enc = found if found else (b"", "utf-8")
    try:
        return data[len(bom) :].decode(enc)
    except UnicodeDecodeError as exc:
        as_what = f"{enc.upper()}, as its byte-order mark says" if bom else "UTF-8 text"
        raise InputError(
            f"{display_name(str(path))}: the {what} is not {as_what} (byte {exc.start + len(bom)}); save it as UTF-8"
        ) from None
