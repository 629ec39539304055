"""Atomic output: a file is written beside its target and renamed over it only when complete."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from speechkg.graph.errors import OutputError

#: a hidden temporary file of ours (`.NAME.XXXXXXXX.tmp`) older than this (seconds) was left by
#: a killed build, and is removed by the next write to the same path
STALE_TMP_SECONDS = 3600


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def check_output(path: str | Path, inputs: Iterable[str | Path] = ()) -> None:
    """Refuse an output path that is one of `inputs` (it would be overwritten), a read-only
    file, a dangling symlink, a directory, a block device or a socket."""
    if str(path) == "-":
        return
    p = Path(path)
    try:
        st = p.stat()  # follows a symlink: the file behind it is what gets written
    except FileNotFoundError:
        if p.is_symlink():
            raise OutputError(
                f"{p}: is a symlink to nothing ({os.readlink(p)}); remove it or choose another path"
            ) from None
        return
    except OSError as exc:
        raise OutputError(f"{p}: cannot write it ({exc.strerror})") from None
    for item in inputs:
        if str(item) == "-":
            continue
        try:
            if _same_file(st, Path(item).stat()):
                raise OutputError(f"{p}: is also an input, which writing would overwrite; choose another output path")
        except OSError:
            continue
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise OutputError(f"{p}: is a directory; give a file name")
    if stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        raise OutputError(f"{p}: is a block device or socket, not a file; choose another path")
    if stat.S_ISREG(mode) and (not mode & 0o222 or not os.access(p, os.W_OK)):
        raise OutputError(f"{p}: is read-only; make it writable (chmod u+w) or choose another path")


#: what write_output and write_atomic take: bytes, chunks of bytes written as they come, or a
#: function that writes to the binary file it is given
Data = bytes | Iterable[bytes] | Callable[[BinaryIO], None]


def _write_data(fh: BinaryIO, data: Data) -> None:
    if callable(data):
        data(fh)
        return
    for chunk in [data] if isinstance(data, bytes) else data:
        fh.write(chunk)


def write_output(path: str | Path, data: Data, inputs: Iterable[str | Path] = ()) -> None:
    """Write `data` (bytes, chunks written as they come, or a function writing to a binary
    file) to `path`:

    - `-`: standard output;
    - a character device or FIFO (`/dev/null`, `>(cmd)`): written directly, never replaced;
    - a regular file, or a new one: through a temporary file and a rename (see write_atomic);
    - a symlink is followed: the file it points to is written, the link stays.

    Refused (OutputError, see check_output): an input, a read-only file, a directory, a
    block device, a socket, a dangling symlink."""
    if str(path) == "-":
        out = sys.stdout
        if out is None:
            raise OutputError("standard output is closed; give -o FILE")
        try:
            _write_data(out.buffer, data)
            out.flush()
        except BrokenPipeError:  # the reader left (`| head`): what it wanted was written
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
        return
    check_output(path, inputs)
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        _write_special(p, data, fifo=stat.S_ISFIFO(mode))
        return
    if p.is_symlink():
        p = Path(os.path.realpath(p))
    write_atomic(p, data)


def _write_special(p: Path, data: Data, fifo: bool) -> None:
    """Write to a device node or FIFO in place. A FIFO nobody reads is an error, not a hang."""
    try:
        fd = os.open(p, os.O_WRONLY | (os.O_NONBLOCK if fifo else 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OutputError(f"{p}: is a FIFO that no process is reading; start the reader first") from None
        raise OutputError(f"{p}: cannot write it ({exc.strerror})") from None
    try:
        if fifo:
            os.set_blocking(fd, True)
        with os.fdopen(fd, "wb") as fh:
            _write_data(fh, data)
    except BrokenPipeError:
        raise OutputError(f"{p}: the process reading it stopped before the end") from None
    except OSError as exc:
        raise OutputError(f"{p}: cannot write it ({exc.strerror})") from None


def _remove_stale_tmp(p: Path, directory: Path) -> None:
    """Remove temporary files of ours for `p` left by a killed write (older than STALE_TMP_SECONDS)."""
    now = time.time()
    pattern = re.compile(re.escape(f".{p.name}.") + r"[A-Za-z0-9_]{8}\.tmp")
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            if not pattern.fullmatch(entry.name):
                continue
            with contextlib.suppress(OSError):
                st = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid() and now - st.st_mtime > STALE_TMP_SECONDS:
                    os.unlink(entry.path)


def write_atomic(path: str | Path, data: Data) -> None:
    """Write `data` (bytes, chunks of bytes written as they come, or a function writing to a
    binary file) to the regular file
    `path` through a temporary file in the same directory and a rename. Anything that is
    not a regular file is refused: use write_output, which writes special files in place."""
    p = Path(path)
    directory = p.parent if str(p.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{p}: the directory {directory} does not exist; create it first")
    with contextlib.suppress(FileNotFoundError):
        if not stat.S_ISREG(os.lstat(p).st_mode):
            raise OutputError(f"{p}: is not a regular file; it is not replaced")
    _remove_stale_tmp(p, directory)
    tmp = None
    try:
        # the name is known before the file exists, so a signal (SIGINT, SIGTERM) at any point
        # after it is made is handled by the `except` below, which removes it
        while True:
            tmp = directory / f".{p.name}.{secrets.token_hex(4)}.tmp"
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
                break
            except FileExistsError:  # another writer's file: never ours to remove
                tmp = None
            except OSError as exc:
                tmp = None
                raise OutputError(f"{p}: cannot write here ({exc.strerror}); choose another path") from None
        with os.fdopen(fd, "wb") as fh:
            _write_data(fh, data)
            fh.flush()
            os.fsync(fh.fileno())
        if p.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, p.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        with contextlib.suppress(FileNotFoundError):  # it may have changed while we wrote
            if not stat.S_ISREG(os.lstat(p).st_mode):
                raise OutputError(f"{p}: is not a regular file; it is not replaced")
        os.replace(tmp, p)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OutputError):
            raise
        if isinstance(exc, OSError):
            raise OutputError(f"{p}: cannot write it ({exc.strerror})") from None
        raise
