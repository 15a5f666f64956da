"""Shared test options and fixtures.

`--update-goldens` rewrites golden files from the current output. Tests that need a system
package (Debian's chromium, Pango for PDFs) skip with the install command when it is missing,
except under `GRADEWISE_REQUIRE_SYSTEM=1` (set by `.ci/run`, which installs them), where a
missing one fails: CI never passes by skipping them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from gradewise.workspace import init_workspace, open_workspace

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="Rewrite golden files.")


def pytest_configure(config: pytest.Config) -> None:
    """Tests keep their cache entries to themselves, never in the user's cache folder."""
    if "GRADEWISE_TEST_CACHE" not in os.environ:  # the controller's folder, shared by workers
        os.environ["GRADEWISE_TEST_CACHE"] = tempfile.mkdtemp(prefix="gradewise-tests-")
    os.environ["GRADEWISE_CACHE_DIR"] = os.environ["GRADEWISE_TEST_CACHE"]


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controller (or a run without xdist) cleans up
        shutil.rmtree(os.environ.pop("GRADEWISE_TEST_CACHE", ""), ignore_errors=True)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example workspace, its scripts added and graded (one per test module)."""
    root = init_workspace(tmp_path_factory.mktemp("ex") / "ws", example=True)
    ws = open_workspace(root)
    ws.add_scripts([root / "scripts"], root / "roster.csv")
    ws.grade()
    ws.store.close()  # the database file is whole (WAL folded in), ready to be copied
    return root


def missing_system_package(what: str, install: str) -> None:
    """Skip (or, where CI requires it, fail) a test whose system package is missing."""
    message = f"{what} is not installed: {install}"
    if os.environ.get("GRADEWISE_REQUIRE_SYSTEM") == "1":
        pytest.fail(message)
    pytest.skip(message)


def chromium_path() -> str | None:
    return os.environ.get("GRADEWISE_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session")
def pango() -> None:
    """WeasyPrint can load Pango (it does so when imported)."""
    try:
        import weasyprint  # noqa: F401
    except OSError:
        missing_system_package("Pango", "apt-get install libpango-1.0-0 libpangoft2-1.0-0")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (its own browser download never used)."""
    path = chromium_path()
    if path is None:
        missing_system_package("Chromium", "apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page (own context) that records every URL it requests in `page.requested`."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    tab = context.new_page()
    tab.requested = []
    tab.on("request", lambda r: tab.requested.append(r.url))
    yield tab
    context.close()


@pytest.fixture
def ws(example: Path, tmp_path: Path) -> Any:
    """A fresh copy of the graded example per test: marks made in one never leak into another.
    The review tests share it; a module with a workspace of its own defines `ws` itself."""
    return open_workspace(shutil.copytree(example, tmp_path / "ws"))


@pytest.fixture
def client(ws: Any) -> Iterator[Any]:
    """The review app on `ws`, in process (a module that needs other options defines its own)."""
    from test_review_app import client_for

    with client_for(ws) as c:
        yield c


@contextmanager
def review_server(root: Path, *options: str) -> Iterator[tuple[str, str]]:
    """`gradewise review serve` on `root` as a subprocess on a free loopback port: (the line it
    printed first, the address in it); stopped on exit."""
    command = [
        sys.executable,
        "-c",
        "from gradewise.cli import main; main()",
        "-w",
        str(root),
        "review",
        "serve",
        "--port",
        "0",
        "--no-browser",
        *options,
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        yield first, next(word for word in first.split() if word.startswith("http://"))
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def drafted_tree(tmp_path: Path, text: str, name: str = "paper.md") -> dict[str, Any]:
    """The exam file `exam draft` writes for a paper of this text, as data."""
    from ruamel.yaml import YAML

    from gradewise.exam.draft import draft_exam, render

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    tree: dict[str, Any] = YAML(typ="safe").load(render(draft_exam([path])))
    return tree


def drafted_questions(tmp_path: Path, text: str, name: str = "paper.md") -> dict[str, Any]:
    """The drafted questions by id, whatever their section."""
    tree = drafted_tree(tmp_path, text, name)
    return {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}


def part_marks(question: dict[str, Any]) -> dict[str, Any]:
    """A drafted question's parts with their marks."""
    return {str(part["id"]): part.get("marks") for part in question.get("parts", [])}
