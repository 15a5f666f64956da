"""The page of the scan beside the answer, in a real browser against `review serve --login`: a
TA opens their part, sees the student's page beside the transcription (lazily loaded, drawn),
and is refused the image of the same student's answer to a part that is not theirs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import review_server
from gradewise.cli import cli
from gradewise.store.users import Users
from gradewise.workspace import init_workspace, open_workspace
from test_pdf_scripts import EXAM, text_pdf
from test_review_auth import CHEAP, INSTRUCTOR, TA

MINE, NOT_MINE = "I.2", "I.1"


@pytest.fixture
def served(tmp_path: Path, pango: None) -> Iterator[str]:
    """s1 wrote a two-page PDF (I.1 on page 1, I.2 on page 2), s2 typed; the TA marks I.2."""
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    text_pdf(root / "scripts" / "s1.pdf", ["Q1 b, c", "Q2 [32, 128, 26, 26]"], pango)
    (root / "scripts" / "s2.md").write_text("Q1 b, c\n\nQ2 [32, 128, 26, 26]\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["-w", str(root), "scripts", "add", str(root / "scripts")])
    ws = open_workspace(root)
    ws.grade()
    users = Users(ws.store)
    users.add(
        INSTRUCTOR[0], "instructor", CHEAP.hash(INSTRUCTOR[1]), who="test"
    )  # --login needs one
    users.add(TA[0], "ta", CHEAP.hash(TA[1]), [MINE], who="test")
    ws.store.close()
    with review_server(root, "--login") as (first, address):
        assert "with login" in first, first
        yield address


def log_in(page: Any, address: str, target: str) -> None:
    page.goto(address + target)
    page.fill("input[name=name]", TA[0])
    page.fill("input[name=password]", TA[1])
    page.click("button[type=submit]")
    page.wait_for_url(address + target)


def test_the_page_is_beside_the_answer_and_other_parts_images_are_refused(
    served: str, page: Any
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, served, f"part/{MINE}")
    image = page.locator("article[data-answer] img[src$='/scan']")
    assert image.count() == 1  # s1's scan; s2 typed has no page
    assert image.get_attribute("loading") == "lazy"
    card = page.locator("article[data-answer]").filter(has=page.locator("img[src$='/scan']"))
    key = str(card.get_attribute("data-answer"))
    assert key.startswith("anon-") and "s1" not in str(image.get_attribute("src"))
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 1000", arg=image.element_handle()
    )
    text, drawn = card.locator(".text").bounding_box(), image.bounding_box()
    assert text and drawn
    assert drawn["x"] >= text["x"] + text["width"] - 1  # to the right of the transcription
    assert drawn["y"] < text["y"] + text["height"]  # level with it, not under it
    assert any(url.endswith(f"/answer/{key}/{MINE}/scan") for url in page.requested)

    mine = page.request.get(served + f"answer/{key}/{MINE}/scan")
    assert mine.status == 200 and mine.headers["content-type"] == "image/png"
    refused = page.request.get(served + f"answer/{key}/{NOT_MINE}/scan")
    assert refused.status in (403, 404) and refused.headers["content-type"] != "image/png"
    opened = page.goto(served + f"answer/{key}/{NOT_MINE}/scan")
    assert opened is not None and opened.status in (403, 404)
    assert not errors, errors
