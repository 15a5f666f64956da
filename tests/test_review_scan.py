"""The page of the scan beside the answer on the review pages, in-process: the image an answer
starts on, lazily loaded; the name band blanked when names are hidden; a TA refused the image
of an answer to a part not theirs."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from starlette.testclient import TestClient

from gradewise.cli import cli
from gradewise.review import auth, create_app
from gradewise.store.users import Users
from gradewise.workspace import Workspace, init_workspace, open_workspace
from test_pdf_scripts import EXAM, text_pdf
from test_review_auth import CHEAP, TA, Clock, browser, log_in

BAND = 0.12
LOCAL = "http://127.0.0.1"


@pytest.fixture
def ws(tmp_path: Path, pango: None) -> Workspace:
    """Two students: s1 wrote a two-page PDF (I.1 on page 1, I.2 on page 2), s2 typed."""
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    text_pdf(root / "scripts" / "s1.pdf", ["Q1 b, c", "Q2 [32, 128, 26, 26]"], pango)
    (root / "scripts" / "s2.md").write_text("Q1 b, c\n\nQ2 [32, 128, 26, 26]\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["-w", str(root), "scripts", "add", str(root / "scripts")])
    workspace = open_workspace(root)
    workspace.grade()
    return workspace


def scan_urls(page: str) -> list[str]:
    return re.findall(r'<img loading="lazy" src="([^"]+/scan)"', page)


def stored(ws: Workspace, page: int) -> bytes:
    return ws.page_path(ws.store.pages("s1")[page - 1].image).read_bytes()


def top_is_blank(png: bytes) -> bool:
    image = Image.open(io.BytesIO(png)).convert("L")
    return image.crop((0, 0, image.width, int(image.height * BAND))).getextrema() == (255, 255)


def test_the_answer_s_page_is_beside_it(ws: Workspace) -> None:
    with TestClient(create_app(ws, who="t"), base_url=LOCAL) as client:
        (url,) = scan_urls(client.get("/part/I.2").text)  # s1's scan; s2 typed has none
        assert url == "/answer/s1/I.2/scan"
        reply = client.get(url)
        assert reply.status_code == 200 and reply.headers["content-type"] == "image/png"
        assert reply.content == stored(ws, 2)  # page 2, as stored
        assert client.get("/answer/s2/I.2/scan").status_code == 404  # typed: no image


def test_anonymous_pages_blank_the_name_band(ws: Workspace) -> None:
    assert not top_is_blank(stored(ws, 1))  # the first lines are in the band
    with TestClient(create_app(ws, who="t", anonymous=True), base_url=LOCAL) as client:
        (url,) = scan_urls(client.get("/part/I.1").text)
        assert "s1" not in url  # the pseudonym, not the id
        assert top_is_blank(client.get(url).content)


def test_a_ta_sees_only_images_of_their_parts(ws: Workspace) -> None:
    Users(ws.store).add(TA[0], "ta", CHEAP.hash(TA[1]), ["I.2"], who="test")
    access = auth.Access(hasher=CHEAP, clock=Clock(), anonymous_for_ta=False)
    with browser(create_app(ws, who="t", access=access), "testclient") as client:
        assert log_in(client, TA).status_code == 303
        assert client.get("/answer/s1/I.2/scan").status_code == 200
        refused = client.get("/answer/s1/I.1/scan")
        assert refused.status_code == 403 and "not one of your parts" in refused.text
