"""Running the review app: a loopback socket (another only with login), uvicorn, a clean stop."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable

import uvicorn
from starlette.types import ASGIApp

from gradewise.errors import ReviewError
from gradewise.review.app import LOOPBACK_HOSTS


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach: 127.0.0.0/8, ::1, 'localhost'."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_names(host: str, *, login: bool = False) -> tuple[str, ...]:
    """The Host headers the app accepts when served on `host`: it and the loopback names.

    With login on another address, any: other machines reach it by names this one cannot
    know, and a rebinding page gains nothing, since it has no session cookie (cookies belong
    to the name the grader logged in under).
    """
    if login and not is_loopback(host):
        return ("*",)
    name = f"[{host.strip('[]')}]" if ":" in host else host
    return tuple(dict.fromkeys((*LOOPBACK_HOSTS, name.lower())))


def listen(host: str, port: int, *, login: bool = False) -> socket.socket:
    """A listening socket on `host` (port 0: any free port).

    Any address but loopback is refused unless the app requires login: other machines could
    reach the pages.
    """
    if not is_loopback(host) and not login:
        raise ReviewError(
            f"will not serve on {host} without login: other machines could reach it",
            fix="use --host 127.0.0.1, or add an instructor with 'gradewise users add'",
        )
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM
        )[0]
        sock = socket.socket(family, kind, proto)
        # A restart right after Ctrl-C must not wait for the old connections to time out.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        raise ReviewError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            fix="choose another --port, or stop what already uses it",
        ) from exc
    return sock


def url(sock: socket.socket) -> str:
    """The address a browser opens for `sock`."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def make_server(app: ASGIApp) -> uvicorn.Server:
    """A uvicorn server for `app`, quiet but for warnings; `run(sockets=[...])` starts it."""
    return uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))


def serve(
    app: ASGIApp, sock: socket.socket, *, on_ready: Callable[[str], object] | None = None
) -> None:
    """Serve `app` on `sock` until Ctrl-C (or SIGTERM); `on_ready(url)` once it accepts."""
    server = make_server(app)
    if on_ready is not None:
        threading.Thread(
            target=_when_started, args=(server, url(sock), on_ready), daemon=True
        ).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn has already shut down cleanly; it re-raises Ctrl-C for the caller to see.
        pass
    finally:
        sock.close()


def _when_started(server: uvicorn.Server, address: str, on_ready: Callable[[str], object]) -> None:
    while not server.started and not server.should_exit:
        time.sleep(0.05)
    if server.started:
        on_ready(address)
