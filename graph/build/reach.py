"""Reaching a Dask scheduler for `build --scheduler` (cluster): within a time limit, over TLS
where the address is tls://, and with a client that reads only data from the cluster.

Every error is one ClusterError line; none waits longer than the connect timeout, and a signal
(Ctrl-C, SIGTERM) ends every wait."""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING

from speechkg.graph.errors import SpeechKGError
from speechkg.graph.text import printable

if TYPE_CHECKING:
    from distributed import Client

#: seconds to reach the scheduler before giving up
CONNECT_TIMEOUT = 5.0
#: how the client lets Dask read what workers send: msgpack's data only, never a pickle (whose
#: loading can run any code); Dask's own protocol still pickles some of its messages
DESERIALIZERS = ("msgpack",)


class ClusterError(SpeechKGError):
    """The Dask cluster cannot be reached, has no worker, or cannot run the extraction."""


def connect(address: str, timeout: float = CONNECT_TIMEOUT) -> Client:
    """A client of the Dask scheduler at `address` (tcp:// or tls://HOST:PORT); ClusterError within
    `timeout` seconds if there is none (see check)."""
    check(address, timeout)
    from distributed import Client

    try:
        return Client(address, timeout=timeout, set_as_default=False, deserializers=list(DESERIALIZERS))
    except (OSError, ValueError):  # gone since the check
        raise ClusterError(_unreachable(address, timeout)) from None


def check(address: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """Raise ClusterError unless Dask distributed is installed and the scheduler at `address`
    answers within `timeout` seconds (over TLS for tls://, with the certificates Dask's
    configuration names). A connection is opened and closed on an event loop of its own, in a
    thread this one only waits for (a signal ends the wait): Dask waits for the scheduler's
    first message with no time limit, and a Client that fails to connect leaves its loop's
    thread running."""
    try:
        from distributed.comm import connect as open_comm
        from distributed.security import Security
    except ImportError:
        raise ClusterError("--scheduler needs Dask distributed: pip install 'speechkg[dask]'") from None

    took = _refused(address)
    try:
        args = Security().get_connection_args("client")
    except (OSError, ValueError) as exc:  # a certificate or key named in the configuration
        raise ClusterError(
            f"cannot use the TLS certificates of Dask's configuration ({type(exc).__name__}: "
            f"{first_sentence(exc)}); see distributed.comm.tls in Dask's configuration"
        ) from None
    if address.startswith("tls://") and args["ssl_context"] is None:
        raise ClusterError(
            f"{address} needs this machine's TLS certificate for the cluster: set "
            "DASK_DISTRIBUTED__COMM__TLS__CA_FILE, DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT and "
            "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY"
        )

    async def probe() -> None:
        comm = await asyncio.wait_for(open_comm(address, timeout=timeout, **args), timeout)
        await comm.close()

    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            asyncio.run(probe())
        except BaseException as exc:  # told to the waiting thread
            outcome.append(exc)
        else:
            outcome.append(None)

    waiting = threading.Thread(target=run, name="speechkg-dask-check", daemon=True)
    waiting.start()
    waiting.join(timeout + 5)
    error = outcome[0] if outcome else TimeoutError()
    if error is not None:
        raise _check_failed(address, timeout, took, error)


def _check_failed(address: str, timeout: float, took: bool, error: BaseException) -> BaseException:
    """What check raises when the scheduler did not answer with `error` (`took`: something
    took a TCP connection there)."""
    from distributed.comm import CommClosedError

    if isinstance(error, (ValueError, TypeError)):
        return ClusterError(f"{address!r} is not a Dask scheduler address; give tcp://HOST:PORT or tls://HOST:PORT")
    if isinstance(error, (TimeoutError, asyncio.TimeoutError)) and took:
        return ClusterError(
            f"no Dask scheduler answered at {address} within {timeout:g} s: something takes connections "
            "there but does not speak Dask's protocol; is `dask scheduler` running there?"
        )
    if isinstance(error, CommClosedError):
        return ClusterError(
            f"the Dask scheduler at {address} closed the connection at once; a cluster with TLS takes only "
            "tls:// and a certificate its own authority signed"
        )
    if isinstance(error, OSError):
        return ClusterError(_unreachable(address, timeout))
    return error


def _refused(address: str) -> bool:
    """ClusterError at once when nothing listens at a tcp:// or tls:// address (Dask would try again
    until its timeout); whether something took a connection there."""
    import socket
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(address)
        host, port = parts.hostname, parts.port
    except ValueError:
        return False  # Dask's own parser says what is wrong with it
    if parts.scheme not in ("tcp", "tls") or not host or port is None:
        return False
    try:
        socket.create_connection((host, port), timeout=1.0).close()
    except ConnectionRefusedError:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address}: nothing listens there; is `dask scheduler` running?"
        ) from None
    except OSError:
        return False  # unreachable or slow: Dask tries for its whole timeout
    return True


def _unreachable(address: str, timeout: float) -> str:
    return f"cannot reach the Dask scheduler at {address} within {timeout:g} s; is `dask scheduler` running there?"


def first_sentence(exc: BaseException) -> str:
    """The first sentence of an error's message, at most 200 characters, its control characters
    shown as escapes (a Dask error can quote what a worker sent)."""
    return printable(next(iter(str(exc).splitlines()), "").split(". ")[0][:200])
