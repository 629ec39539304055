"""FIFOs whose other end this process holds before a command opens its own: a writer or a reader
that is there from the start, rather than a thread given a moment (a sleep) to get there, which a
loaded machine can outlast (the command then finds nobody at the other end). Linux (/proc)."""

from __future__ import annotations

import contextlib
import os
import select
import threading
import time
from collections.abc import Iterator
from pathlib import Path

#: the bytes a pipe holds before a writer waits (Linux's default pipe buffer)
PIPE_BUFFER = 65536


def _opened_here(fifo: Path) -> int:
    """How many file descriptors of this process are open on `fifo`."""
    st = os.stat(fifo)
    n = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            other = os.stat(f"/proc/self/fd/{fd}")
            n += (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino)
    return n


@contextlib.contextmanager
def writing(fifo: Path, data: bytes) -> Iterator[None]:
    """`fifo` open for writing with `data` in it during the block, closed once another
    descriptor of this process (the command's reader) has opened it: that reader reads `data`,
    then the end of the FIFO."""
    assert len(data) < PIPE_BUFFER, "more than a pipe holds before its writer waits"
    fd = os.open(fifo, os.O_RDWR)  # read-write: does not wait for a reader, and counts as a writer
    os.write(fd, data)
    done = threading.Event()

    def close_once_read() -> None:
        while not done.is_set() and _opened_here(fifo) < 2:
            time.sleep(0.01)
        os.close(fd)

    closer = threading.Thread(target=close_once_read, daemon=True)
    closer.start()
    try:
        yield
    finally:
        done.set()
        closer.join()


@contextlib.contextmanager
def reading(fifo: Path) -> Iterator[list[bytes]]:
    """`fifo` open for reading during the block, drained by a thread; the list it yields holds,
    after the block, everything written to it up to the writer's close (empty when no writer
    came)."""
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader at once, without waiting for a writer
    got: list[bytes] = []
    done = threading.Event()

    def drain() -> None:
        chunks = []
        while True:
            # readable once a writer has written or closed (before any writer opened, not even at its end)
            if not select.select([fd], [], [], 0.05)[0]:
                if done.is_set():
                    break
                continue
            try:
                chunk = os.read(fd, PIPE_BUFFER)
            except BlockingIOError:
                continue
            if not chunk:
                got.append(b"".join(chunks))
                return
            chunks.append(chunk)

    drainer = threading.Thread(target=drain, daemon=True)
    drainer.start()
    try:
        yield got
    finally:
        done.set()
        drainer.join()
        os.close(fd)
