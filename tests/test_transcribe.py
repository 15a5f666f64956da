"""`scripts add --transcribe`: handwritten pages read by a vision model on a real loopback
chat-completions server (test_llm's), the request checked for what it holds and what it must
never hold, the replies that are no transcription turned into page errors, and the cache."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from PIL import Image, ImageDraw, ImageFont

import gradewise.scripts.gather as gather_module
from gradewise.cli import cli
from gradewise.errors import WorkspaceError
from gradewise.judges.llm_client import CACHE_FILE, Reply
from gradewise.scripts.transcribe import BLANK_PAGE, Read, _read, load_settings
from gradewise.workspace import init_workspace, open_workspace
from test_llm import Endpoint, Served, completion, serving
from test_pdf_scripts import EXAM

STUDENT, NAME = "s2024017", "Lovelace"
FILE = f"{STUDENT}_{NAME.lower()}.png"


def handwritten(lines: list[str], header: bool = True) -> Image.Image:
    """An A4-shaped page: the name and id at the top (as on a cover), answers lower down."""
    font = ImageFont.load_default(size=36)
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    if header:
        draw.text((60, 40), f"Name: Ada {NAME}   ID: {STUDENT}", fill=0, font=font)
    for row, text in enumerate(lines):
        draw.text((60, 400 + row * 60), text, fill=0, font=font)
    return image


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    with serving() as ep:
        yield ep


def workspace(tmp_path: Path, url: str, **extra: Any) -> Path:
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    table = {"base_url": url, "model": "vision-test", "max_retries": 0, "backoff_s": 0, **extra}
    lines = "".join(f"{k} = {json.dumps(v)}\n" for k, v in table.items())
    (root / "gradewise.toml").write_text(f"[transcribe]\n{lines}", encoding="utf-8")
    return root


def add(root: Path, *paths: Path) -> Result:
    files = [str(p) for p in paths] or [str(root / "scripts")]
    return CliRunner().invoke(cli, ["-w", str(root), "scripts", "add", *files, "--transcribe"])


def sent_image(body: dict[str, Any]) -> Image.Image:
    (part,) = [p for p in body["messages"][-1]["content"] if p["type"] == "image_url"]
    url = part["image_url"]["url"]
    assert url.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))


def replying(*contents: str) -> list[Served]:
    return [Served(payload=completion(c)) for c in contents]


def by_page(first: str, later: str) -> Any:
    """A responder that tells a script's first page (its name band blanked) from the others:
    requests run concurrently, so a queue of replies would not follow the page order."""

    def respond(body: dict[str, Any]) -> Served:
        top = sent_image(body).crop((0, 0, 1240, 100)).getextrema()
        return Served(payload=completion(first if top == (255, 255) else later))

    return respond


def test_request_holds_the_masked_page_and_nothing_identifying(
    tmp_path: Path, endpoint: Endpoint
) -> None:
    root = workspace(tmp_path, endpoint.url)
    handwritten(["Q1 b and c", "Q2 [32, 128, 26, 26]"]).save(root / "scripts" / FILE)
    endpoint.queue = replying("Q1 $b$, $c$\n\nQ2 $[32, 128, 26, 26]$")
    added = add(root)
    assert added.exit_code == 0, added.output
    (raw,) = endpoint.raw
    for secret in (STUDENT, NAME, FILE, "scripts"):  # no id, name, file name or folder
        assert secret.encode() not in raw
    image = sent_image(endpoint.bodies[0])
    band = round(image.height * 0.12)
    assert image.crop((0, 0, image.width, band)).getextrema() == (255, 255)  # name band blank
    assert image.crop((0, band, image.width, image.height)).getextrema()[0] < 128  # answers sent
    ws = open_workspace(root)
    answers = {a.address: a.text.strip() for a in ws.store.answers(STUDENT)}
    assert answers == {"I.1": "$b$, $c$", "I.2": "$[32, 128, 26, 26]$"}
    assert "Transcription by vision-test: 1 calls sent" in added.output


def test_only_the_first_page_is_masked(tmp_path: Path, endpoint: Endpoint) -> None:
    root = workspace(tmp_path, endpoint.url, mask_top=0.3)
    first = handwritten(["Q1 b and c"])
    first.save(root / "scripts" / "s1.tiff", save_all=True, append_images=[first])
    endpoint.responder = by_page("Q1 b, c", "Q2 [32, 128, 26, 26]")
    assert add(root).exit_code == 0
    tops = sorted(sent_image(b).crop((0, 0, 1240, 100)).getextrema()[0] for b in endpoint.bodies)
    assert tops[0] < 128 and tops[1] == 255  # page 2 keeps its top; page 1's band is blank


def test_second_run_is_answered_from_the_cache(tmp_path: Path, endpoint: Endpoint) -> None:
    root = workspace(tmp_path, endpoint.url)
    handwritten(["Q1 b and c"]).save(root / "scripts" / "s1.png")
    endpoint.queue = replying("Q1 b, c")
    assert add(root).exit_code == 0
    again = add(root)
    assert again.exit_code == 0 and len(endpoint.bodies) == 1  # nothing sent the second time
    assert "0 calls sent, 1 from the cache" in again.output
    cached = (root / CACHE_FILE).read_text(encoding="utf-8")
    assert "base64" not in cached and '"sha256"' in cached  # the image by its hash only
    assert len(cached) < 20_000


def test_unreadable_words_go_to_review(tmp_path: Path, endpoint: Endpoint) -> None:
    root = workspace(tmp_path, endpoint.url)
    handwritten(["Q1 b and c", "Q2 [32, 128, 26, 26]"]).save(root / "scripts" / "s1.png")
    endpoint.queue = replying("Q1 b, c [illegible]\n\nQ2 [32, 128, 26, 26]")
    assert add(root).exit_code == 0
    ws = open_workspace(root)
    ws.grade()
    review = {g.address: g.needs_review for g in ws.grades("s1")}
    assert review == {"I.1": True, "I.2": False}  # right, but a word nobody read: a human looks


@pytest.mark.parametrize(
    "page_two, error",
    [
        ("", "returned an empty transcription"),  # empty: not a blank answer
        ("I'm sorry, but I can't help with transcribing this image.", "refused"),  # refused
    ],
)
def test_a_page_without_transcription_is_an_error_on_that_page(
    tmp_path: Path, endpoint: Endpoint, page_two: str, error: str
) -> None:
    root = workspace(tmp_path, endpoint.url)
    first = handwritten(["Q1 b and c"])
    first.save(root / "scripts" / "s1.tiff", save_all=True, append_images=[handwritten(["Q2"])])
    endpoint.responder = by_page("Q1 b, c", page_two)
    added = add(root)
    assert added.exit_code == 1 and "s1.tiff: page 2: the vision model" in added.output
    assert error in added.output
    listed = CliRunner().invoke(cli, ["-w", str(root), "scripts", "list", "--json"])
    (row,) = json.loads(listed.output)
    assert len(row["errors"]) == 1 and row["errors"][0].startswith("page 2:")
    ws = open_workspace(root)
    ws.grade()
    grades = ws.grades("s1")
    assert grades and all(g.needs_review for g in grades)  # I.2 missing: a human, not a 0
    answers = {a.address: a for a in ws.store.answers("s1")}
    assert "could not be read" in answers["I.2"].flag


def test_endpoint_down_stores_nothing_and_says_so(tmp_path: Path, endpoint: Endpoint) -> None:
    root = workspace(tmp_path, endpoint.url)
    handwritten(["Q1 b and c"]).save(root / "scripts" / "s1.png")
    handwritten(["Q1 b"]).save(root / "scripts" / "s2.png")
    endpoint.queue = [Served(status=503), *replying("Q1 b")]
    added = add(root)
    assert added.exit_code == 1 and "HTTP 503" in added.output and "Traceback" not in added.output
    assert "1 added" in added.output  # the rest of the batch goes on
    assert len(open_workspace(root).store.scripts()) == 1


def test_text_layer_pages_are_not_sent(tmp_path: Path, endpoint: Endpoint, pango: None) -> None:
    from test_pdf_scripts import text_pdf

    root = workspace(tmp_path, endpoint.url)
    text_pdf(root / "scripts" / "s1.pdf", ["Q1 b and c", "Q2 [32, 128, 26, 26]"], pango)
    assert add(root).exit_code == 0
    assert endpoint.bodies == []  # typed pages: their exact text, no model call


@pytest.mark.parametrize(
    "reply, expected",
    [
        (Reply("k", "Q1 $x^2$"), Read("Q1 $x^2$")),  # a transcription
        (Reply("k", "```markdown\nQ1 $x$\n```"), Read("Q1 $x$")),  # a fence around it dropped
        (Reply("k", BLANK_PAGE), Read("")),  # a page with no writing: empty, no error
        (Reply("k", "  \n"), Read(error="the vision model returned an empty transcription")),
        (
            Reply("k", "", refusal="policy"),
            Read(error="the vision model refused to transcribe the page (policy)"),
        ),  # the endpoint's refusal field
        (
            Reply("k", error="HTTP 429 from the endpoint"),
            Read(error="the vision model gave no transcription: HTTP 429 from the endpoint"),
        ),  # no reply
    ],
)
def test_replies(reply: Reply, expected: Read) -> None:
    assert _read(reply) == expected


@pytest.mark.parametrize(
    "toml, message",
    [
        ("", "no [transcribe] table"),  # not configured: says what to write
        ('[transcribe]\nmodel = "m"\n', "[transcribe] base_url: Field required"),  # no endpoint
        ('[transcribe]\nbase_url = "ftp://x"\nmodel = "m"\n', "[transcribe] base_url"),  # scheme
        ('[transcribe]\nbase_url = "http://x"\nmodel = "m"\nmask_top = 0.9\n', "mask_top"),
        ('[transcribe]\nbase_url = "http://x"\nmodel = "m"\nsecret = 1\n', "secret"),  # typo
    ],
)
def test_settings_errors_are_one_line(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "gradewise.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(WorkspaceError) as caught:
        load_settings(tmp_path)
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert "gradewise.toml" in str(caught.value)


def test_pages_are_held_a_few_batches_at_a_time(
    tmp_path: Path, endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Many one-page scans: a run never holds more than 4 x max_concurrency drawn pages.
    root = workspace(tmp_path, endpoint.url, max_concurrency=1)
    for n in range(10):
        handwritten([f"Q1 answer {n}"]).save(root / "scripts" / f"s{n}.png")
    endpoint.responder = by_page("Q1 b, c", "Q2 none")
    held, most = [0], [0]
    real_render, real_made = gather_module.render_pages, gather_module.transcribed

    def render(path: Path) -> list[Any]:
        pages = real_render(path)
        held[0] += len(pages)
        most[0] = max(most[0], held[0])
        return pages

    def made(path: Path, pages: Any, reads: Any, **kw: Any) -> Any:
        held[0] -= len(pages)
        return real_made(path, pages, reads, **kw)

    monkeypatch.setattr(gather_module, "render_pages", render)
    monkeypatch.setattr(gather_module, "transcribed", made)
    added = add(root)
    assert added.exit_code == 0, added.output
    assert len(endpoint.bodies) == 10 and held[0] == 0
    assert most[0] == 4  # four pages drawn, sent and stored before the next are drawn
