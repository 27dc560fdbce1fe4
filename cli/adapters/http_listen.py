"""Where ``mlvc serve`` listens: the socket, the loopback check, uvicorn run without its
signal handlers, and several worker processes under uvicorn's supervisor.

Invariant: the process's signals belong to the CLI's edge (``cli.adapters.signals``); the
uvicorn server made here installs none.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from cli.adapters.model_slot import LOG
from cli.errors import ServeAddressUnavailable


def uvicorn_server() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, leaving the process's signals to the caller.

        The CLI's edge owns them (``cli.adapters.signals.serving_signals`` calls
        :meth:`ModelServer.stop` and :meth:`ModelServer.reload_in_background`), so a stop
        by SIGTERM ends the command with its own exit code, not by the signal raised again.
        """

        @contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    return Server


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost`` or a loopback address)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def warn_if_exposed(host: str) -> None:
    """One warning line when the server listens beyond this machine."""
    if not is_loopback(host):
        LOG.warning(
            "listening on %s, not a loopback address: anyone who can reach it can call "
            "/predict and /reload (put it behind a proxy that authenticates)",
            host,
        )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (IPv6 when the host is an IPv6 address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named: asyncio sets TCP_NODELAY only on connections of a socket whose
    # protocol says TCP; without it a keep-alive client waits on delayed ACKs.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        detail = exc.strerror or str(exc)
        # gaierror: the host is neither an address nor a name that resolves;
        # EADDRNOTAVAIL: an address, but not one of this machine's
        unknown = isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL
        raise ServeAddressUnavailable(host, port, detail, unknown_host=unknown) from None
    sock.set_inheritable(True)
    return sock


def run_workers(*, factory: str, host: str, port: int, workers: int) -> None:
    """Serve ``factory`` (``module:function`` returning the app) in ``workers`` processes.

    Each worker builds its own app and loads the model itself (the factory reads its
    settings from the environment, which the workers inherit). uvicorn's supervisor
    restarts the workers on SIGHUP (each then re-resolves the reference) and stops them
    on SIGINT/SIGTERM.
    """
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    sock = bind(host, port)
    config = uvicorn.Config(factory, factory=True, workers=workers, log_level="info")
    warn_if_exposed(host)
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()
