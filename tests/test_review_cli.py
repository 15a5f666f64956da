"""`gradewise review serve`: loopback only, clear errors, and a real server that stops on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from gradewise.cli import cli
from gradewise.errors import ReviewError
from gradewise.review.server import host_names, is_loopback, listen, url


@pytest.mark.parametrize(
    "host, loopback",
    [
        ("127.0.0.1", True),  # the default
        ("127.0.0.2", True),  # all of 127/8 is this machine
        ("localhost", True),  # by name
        ("::1", True),  # IPv6
        ("[::1]", True),  # IPv6 as written in URLs
        ("0.0.0.0", False),  # every interface
        ("192.168.1.10", False),  # the LAN
        ("::", False),  # every IPv6 interface
        ("example.com", False),  # a name that is not this machine
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    "host, extra",
    [
        ("127.0.0.1", None),  # the default: nothing beyond the usual names
        ("127.0.0.2", "127.0.0.2"),  # another loopback address: its own Host header too
        ("::1", None),  # IPv6 loopback, as a browser writes it: [::1]
        ("LOCALHOST", None),  # names compare case-blind
    ],
)
def test_host_names(host: str, extra: str | None) -> None:
    names = host_names(host)
    assert {"127.0.0.1", "localhost", "[::1]"} <= set(names)
    assert len(names) == 3 + (extra is not None) and (extra is None or extra in names)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com"])
def test_serve_refuses_other_addresses(example: Path, host: str) -> None:
    result = CliRunner().invoke(
        cli, ["-w", str(example), "review", "serve", "--host", host, "--no-browser"]
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    # Login is required there, and no instructor exists to log in (tests/test_review_auth.py).
    assert len(lines) == 1 and "no instructor can log in" in lines[0]
    assert "gradewise users add" in lines[0] and "--host 127.0.0.1" in lines[0]


def test_port_in_use_is_a_clear_error() -> None:
    taken = listen("127.0.0.1", 0)
    port = taken.getsockname()[1]
    try:
        with pytest.raises(ReviewError, match=f"cannot listen on 127.0.0.1:{port}"):
            listen("127.0.0.1", port)
    finally:
        taken.close()


def test_url_of_a_socket() -> None:
    sock = listen("127.0.0.1", 0)
    try:
        assert url(sock) == f"http://127.0.0.1:{sock.getsockname()[1]}/"
    finally:
        sock.close()


def test_real_server_serves_pages_and_stops_on_ctrl_c(example: Path) -> None:
    command = [
        sys.executable,
        "-c",
        "from gradewise.cli import main; main()",
        "-w",
        str(example),
        "review",
        "serve",
        "--port",
        "0",
        "--no-browser",
        "--who",
        "ta1",
    ]
    server = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=_env()
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert "Reviewing" in first and "as ta1" in first, first
        address = next(word for word in first.split() if word.startswith("http://"))
        page = _get(address + "part/II.7.a")
        assert "data-answer=" in page and "<math" in page
        server.send_signal(signal.SIGINT)  # what Ctrl-C sends
        rest, _ = server.communicate(timeout=20)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0, rest
    assert "Stopped." in rest and "Traceback" not in rest
    with pytest.raises(OSError):  # nothing listens any more
        socket.create_connection(("127.0.0.1", int(address.rsplit(":", 1)[1].strip("/"))), 1)


def _get(address: str) -> str:
    # The socket listens before the address is printed: the request waits in its backlog until
    # uvicorn takes it. It goes straight there, whatever proxy the environment names.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(address, timeout=20) as response:
        return str(response.read().decode("utf-8"))


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1"}
