"""Which queries `speechkg serve` runs at once: at most a few, fewer from any one client address (so
that one client cannot hold every slot), and all of them together within the server's memory
budget (--max-memory): a watchdog reads the memory of each query's child process and stops the
largest when together they would pass it, and a query starts only while a fair share is free."""

from __future__ import annotations

import os
import threading
from collections import Counter
from dataclasses import dataclass, field

from speechkg.graph.query.http import busy

#: queries evaluated at once; more get 503
MAX_RUNNING = 4
#: queries evaluated at once for one client address; more get 503 (another client is still served)
MAX_PER_CLIENT = 2
#: seconds between two readings of the queries' memory
SAMPLE_SECONDS = 0.01

_PAGE = os.sysconf("SC_PAGE_SIZE")


def resident(pid: int | str = "self") -> int:
    """The resident memory of a process in bytes (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


@dataclass(eq=False)
class Ticket:
    """One admitted query: its client address, its child (something with pid and kill()) and the
    server's resident size when the child was forked (what the child shares, not its own), and
    whether the watchdog stopped it to keep the server within its budget."""

    client: str
    child: object | None = None
    base: int = 0
    evicted: bool = False
    used: int = field(default=0)


class Admission:
    """The slots of a server: `slots` queries at once, `per_client` from one address, and (with
    `memory_mb`) their children's memory together within that many MB."""

    def __init__(
        self, slots: int = MAX_RUNNING, per_client: int = MAX_PER_CLIENT, memory_mb: float | None = None
    ) -> None:
        self.slots, self.per_client = slots, per_client
        self.budget = None if memory_mb is None else int(memory_mb * 1024 * 1024)
        self._lock = threading.Lock()
        self._running: list[Ticket] = []
        self._wake = threading.Event()
        self._stopped = False
        self.peak = 0  # the most memory the queries held together, in bytes (as sampled)
        if self.budget is not None:
            threading.Thread(target=self._watch, name="speechkg-memory-watchdog", daemon=True).start()

    def enter(self, client: str) -> Ticket:
        """A ticket for a new query from `client`; Refused (503, Retry-After) when the slots, the
        client's share of them or the memory are taken."""
        with self._lock:
            if len(self._running) >= self.slots:
                raise busy(f"busy: {self.slots} queries are running; try again in a few seconds")
            mine = Counter(t.client for t in self._running)[client]
            if mine >= self.per_client:
                raise busy(
                    f"busy: {mine} queries from {client} are running, as many as one client may run at once; "
                    "wait for one to finish"
                )
            if self.budget is not None and self.budget - self._in_use() < self.budget / self.slots:
                raise busy(
                    f"busy: the queries running hold most of the server's memory limit of "
                    f"{self.budget / 1048576:g} MB; try again in a few seconds"
                )
            ticket = Ticket(client)
            self._running.append(ticket)
            return ticket

    def started(self, ticket: Ticket, child) -> None:
        """The ticket's query runs in `child` (a forked process: pid, kill()); watch its memory."""
        with self._lock:
            ticket.child, ticket.base = child, resident()
        self._wake.set()

    def leave(self, ticket: Ticket) -> None:
        with self._lock:
            if ticket in self._running:
                self._running.remove(ticket)

    def close(self) -> None:
        self._stopped = True
        self._wake.set()

    def _in_use(self) -> int:
        return sum(t.used for t in self._running)

    def _watch(self) -> None:
        """Read the children's memory every SAMPLE_SECONDS; stop the largest while they hold more
        than the budget together."""
        while not self._stopped:
            with self._lock:
                watched = [t for t in self._running if t.child is not None and not t.evicted]
            if not watched:
                self._wake.wait()
                self._wake.clear()
                continue
            for t in watched:
                t.used = max(0, resident(t.child.pid) - t.base)
            with self._lock:
                total = self._in_use()
                self.peak = max(self.peak, total)
                if total > self.budget:
                    largest = max(watched, key=lambda t: t.used)
                    largest.evicted = True
                    largest.child.kill()
                    largest.used = 0  # its memory is the kernel's to free now
            if self._wake.wait(SAMPLE_SECONDS):
                self._wake.clear()
