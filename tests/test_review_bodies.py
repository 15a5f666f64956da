"""Request bodies of the review app: whatever a client sends, a 4xx with a one-line reason.

A truth table of malformed bodies for every POST route (numbers too large for a float or for
SQLite, brackets nested past Python's recursion limit, JSON that is no object, wrong types,
unknown fields, bytes that are no UTF-8), bodies over the size limit refused before they are
parsed (by Content-Length, and by the bytes actually read), and a Hypothesis fuzz of every
route: never a 5xx, each answer quickly, never a stored mark outside [0, the part's marks].
"""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from gradewise import actions
from gradewise.review.bodies import MAX_BODY
from gradewise.review.rubric import rubric_version
from gradewise.workspace import Workspace, open_workspace
from test_review_app import client_for

STUDENT, OTHER = "s2024001", "s2024003"
JSON = {"content-type": "application/json"}
RUBRIC_PART = "II.7.a"  # criteria grad, w1, w2, w3
HALF = MAX_BODY // 2
BIG = int("9" * 401)  # too large for a float (OverflowError) and for SQLite's integers


URLS = {
    "mark": "/part/II.10.a/mark",
    "undo": "/part/II.10.a/undo",
    "accept": "/part/II.10.a/accept",
    "items": f"/part/{RUBRIC_PART}/mark",
    "comment": "/part/II.10.a/comment",
    "preview": f"/part/{RUBRIC_PART}/rubric/preview",
    "rubric": f"/part/{RUBRIC_PART}/rubric",
    "move": f"/student/{STUDENT}/move",
}


def routes(ws: Workspace) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each POST route with a body it accepts."""
    version = rubric_version(ws.exam.part(RUBRIC_PART))
    piece = next(p for p in ws.segmentation(STUDENT).pieces if p.address == "II.7.b").start
    change = {"op": "edit", "criterion": "w3", "marks": 1}
    mark = {"answers": [{"student": STUDENT, "version": 0}], "score": 1}
    undo = {"answers": [{"student": OTHER, "version": 0, "mark": None}]}
    items = {"answers": [{"student": STUDENT, "version": 0}], "items": ["grad"], "why": "x"}
    bodies = {
        "mark": mark,
        "undo": undo,
        "accept": {"answers": [{"student": "s2024002", "version": 0}]},
        "comment": {"answers": [{"student": "s2024004", "version": 0}], "number": 1},
        "items": {**items, "adjust": -0.5, "reason": "sign slip", "comment": "see w2"},
        "preview": {"version": version, "change": change},
        "rubric": {"version": version, "change": change, "why": "x"},
        "move": {"piece": piece, "part": "II.7.c", "version": 0},
    }
    return {name: (URLS[name], body) for name, body in bodies.items()}


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def with_field(body: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A copy of `body` with the value at `path` (keys and list indices) replaced."""
    out = json.loads(json.dumps(body))
    here = out
    for key in path[:-1]:
        here = here[key]
    here[path[-1]] = value
    return out


# Bodies no route accepts: (bytes, status, words of the reason).
ANY_ROUTE = [
    (nested(30_000), 400, "nested"),  # past the recursion limit, within the size limit
    (b'{"why": ' + nested(20_000) + b"}", 400, "nested"),  # deep inside a field
    (nested(100_000), 400, "nested"),  # the 100,000 brackets
    (nested(MAX_BODY), 413, "too large"),  # more than the size limit holds
    (b"[]", 400, "JSON object"),  # a list
    (b'"text"', 400, "JSON object"),  # a string
    (b"1", 400, "JSON object"),  # a number
    (b"null", 400, "JSON object"),  # null
    (b"", 400, "not JSON"),  # nothing
    (b"{nope", 400, "not JSON"),  # broken
    (b'{"why": "\xff"}', 400, "not JSON"),  # not UTF-8
    (b'{"x": ' + b"1" * 5000 + b"}", 400, "not JSON"),  # more digits than Python reads
    (b'{"unknown": 1}', 400, "unknown"),  # a field no route has
    (b" " * (MAX_BODY + 1), 413, "too large"),  # over the limit, even as whitespace
]

# Fields of each route's good body set to a bad value: (route, path, value, words of the reason).
BAD_FIELDS = [
    ("mark", ("score",), BIG, "score"),  # 401 digits: OverflowError in float()
    ("mark", ("score",), -BIG, "score"),  # and negative
    ("mark", ("score",), "1" * 400, "not a number"),  # as text: infinity
    ("mark", ("answers", 0, "version"), BIG, "version"),  # too large for SQLite
    ("mark", ("answers", 0, "version"), -1, "version"),  # negative
    ("mark", ("answers", 0, "version"), 1.5, "version"),  # not whole
    ("mark", ("answers", 0, "student"), 5, "student"),  # not text
    ("mark", ("answers", 0, "extra"), 1, "extra"),  # an unknown field in an answer
    ("mark", ("answers",), {"student": STUDENT}, "answers"),  # an object, not a list
    ("mark", ("answers",), [[STUDENT, 0]], "answers"),  # lists, not objects
    ("mark", ("why",), ["w"], "why"),  # not text
    ("mark", ("why",), "\ud800", "why: the text is not valid UTF-8"),  # a lone surrogate
    ("mark", ("items",), ["grad"], "either items or score"),  # items and a score
    ("mark", ("reason",), "r", "adjust and reason go with items"),  # a reason for no items
    ("items", ("items",), "grad", "items"),  # text, not a list
    ("items", ("items",), [1], "items[0]"),  # not text
    ("items", ("items",), ["\ud800"], "UTF-8"),  # a lone surrogate
    ("items", ("adjust",), BIG, "adjust"),  # 401 digits
    ("items", ("adjust",), [1], "adjust"),  # a list
    ("items", ("adjust",), "1e400", "not a number"),  # infinity, as text
    ("items", ("reason",), 3, "reason"),  # not text
    ("items", ("comment",), {"c": 1}, "comment"),  # not text
    ("items", ("items",), ["nope"], "not an item"),  # no criterion of the part
    ("items", ("adjust",), 99, "more than"),  # beyond the part's marks
    ("undo", ("answers", 0, "mark"), 3, "mark"),  # a number, not a mark object
    ("undo", ("answers", 0, "mark"), {"items": [], "x": 1}, "unknown field"),  # an unknown field
    ("undo", ("answers", 0, "mark"), {"adjustment": BIG}, "adjustment"),  # 401 digits
    ("undo", ("answers", 0, "score"), 1, "unknown field"),  # the old form: a mark now
    ("accept", ("answers",), [], "answers"),  # no answers
    ("comment", ("number",), "1", "number"),  # a number as text
    ("comment", ("number",), -1, "number"),  # not a comment's number
    ("accept", ("score",), 2, "unknown field"),  # accept takes no mark
    ("accept", ("answers", 0, "version"), "1", "version"),  # a number as text
    ("undo", ("answers", 0, "student"), "s\udfff", "UTF-8"),  # a lone surrogate
    ("preview", ("change", "marks"), BIG, "marks"),  # 401 digits
    ("preview", ("change", "marks"), -BIG, "marks"),  # and negative
    ("preview", ("change", "marks"), [1], "marks"),  # a list
    ("preview", ("change", "op"), 5, "op"),  # not one of the operations
    ("preview", ("change",), [], "change"),  # a list, not an object
    ("preview", ("version",), BIG, "version"),  # a number, not the version text
    ("rubric", ("change", "text"), {"t": 1}, "text"),  # not text
    ("rubric", ("change", "criterion"), None, "criterion"),  # null
    ("rubric", ("why",), 5, "why"),  # not text
    ("rubric", ("change", "text"), "\ud800 x", "UTF-8"),  # a lone surrogate: not for exam.yaml
    ("move", ("piece",), BIG, "piece"),  # 401 digits
    ("move", ("version",), BIG, "version"),  # too large for SQLite
    ("move", ("piece",), "12", "piece"),  # a number as text
    ("move", ("part",), ["II.7.c"], "part"),  # a list
    ("move", ("why",), "\udc80", "UTF-8"),  # a lone surrogate
]


Served = tuple[TestClient, Workspace]


def serve(example: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    ws = open_workspace(shutil.copytree(example, tmp_path_factory.mktemp("bodies") / "ws"))
    actions.add_comment(ws, "II.10.a", "cite it", who="t")  # the comment route's number 1
    with client_for(ws) as client:
        yield client, ws


@pytest.fixture(scope="module")
def shared(example: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A workspace and its app for the truth tables: no bad body changes anything."""
    yield from serve(example, tmp_path_factory)


@pytest.fixture(scope="module")
def fuzzed(example: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A workspace and its app of the fuzz test's own: what it accepts, it keeps."""
    yield from serve(example, tmp_path_factory)


def post(client: TestClient, url: str, content: bytes) -> Any:
    return client.post(url, content=content, headers=JSON)


def refused(reply: Any, status: int, says: str) -> None:
    assert reply.status_code == status, reply.text
    error = reply.json()["error"]
    assert says.lower() in error.lower() and "\n" not in error


@pytest.mark.parametrize("url", URLS.values())
@pytest.mark.parametrize("body, status, says", ANY_ROUTE, ids=lambda v: repr(v)[:24])
def test_bad_bodies_on_every_route(
    shared: Served, url: str, body: bytes, status: int, says: str
) -> None:
    refused(post(shared[0], url, body), status, says)


@pytest.mark.parametrize("route, path, value, says", BAD_FIELDS, ids=lambda v: repr(v)[:24])
def test_bad_fields(
    shared: Served, route: str, path: tuple[Any, ...], value: Any, says: str
) -> None:
    client, ws = shared
    url, good = routes(ws)[route]
    before = len(ws.store.events())
    refused(post(client, url, json.dumps(with_field(good, path, value)).encode()), 400, says)
    assert len(ws.store.events()) == before  # nothing was changed


def test_good_bodies_still_work(ws: Workspace) -> None:
    # The truth table's bad fields are refused for what they are: the rest of each body is good.
    actions.add_comment(ws, "II.10.a", "cite it", who="t")
    with client_for(ws) as client:
        for name, (url, body) in routes(ws).items():
            reply = client.post(url, json=body)
            assert reply.status_code == 200, (name, reply.text)


def asgi_post(app: Any, path: str, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> int:
    """POST through the app's ASGI interface, the body in `chunks`; the response's status."""
    sent: list[dict[str, Any]] = []
    pending = [*chunks]

    async def receive() -> dict[str, Any]:
        if not pending:
            return {"type": "http.disconnect"}
        chunk = pending.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 5000),
    }
    # On a thread of its own: another test's browser may keep an event loop running on this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


@pytest.mark.parametrize(
    "length, chunks, status",
    [
        # Content-Length over the limit: refused before a byte is read.
        (str(MAX_BODY + 1), [], 413),
        # No Content-Length, chunks that add up to more than the limit.
        (None, [b"{" + b" " * HALF, b" " * HALF + b"}"], 413),
        # A Content-Length that lies: what is read counts.
        ("2", [b"{" + b" " * HALF, b" " * HALF + b"}"], 413),
        # A Content-Length that is no number.
        ("lots", [b"{}"], 400),
    ],
)
def test_size_limit_before_parsing(
    shared: Served, length: str | None, chunks: list[bytes], status: int
) -> None:
    headers = [(b"content-type", b"application/json")]
    if length is not None:
        headers.append((b"content-length", length.encode()))
    assert asgi_post(shared[0].app, "/part/II.10.a/mark", headers, chunks) == status


# Fuzz ------------------------------------------------------------------------------------------

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([BIG, -BIG, 2**63, -(2**63) - 1])
    | st.floats()
    | st.text(max_size=20)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def mostly(good: st.SearchStrategy[Any], other: st.SearchStrategy[Any] = VALUES) -> Any:
    """Three times in four `good`, else `other`: bodies mostly get past the first check."""
    return st.integers(0, 3).flatmap(lambda i: other if i == 0 else good)


STUDENTS = mostly(st.sampled_from([STUDENT, "s2024002", OTHER, "nobody", ""]))
VERSIONS = mostly(st.integers(min_value=-1, max_value=3))
SCORES = mostly(st.integers(-1, 4) | st.floats() | st.sampled_from(["2.5", "auto", "1e400", ""]))
TEXTS = mostly(st.text(max_size=30))
WHY = st.fixed_dictionaries({}, optional={"why": TEXTS})


MARKS = mostly(
    st.none()
    | st.fixed_dictionaries(
        {}, optional={"items": mostly(st.lists(TEXTS, max_size=2)), "adjustment": SCORES}
    )
)


def answers(*, score: bool) -> st.SearchStrategy[Any]:
    answer = st.fixed_dictionaries(
        {"student": STUDENTS, "version": VERSIONS}, optional={"mark": MARKS} if score else {}
    )
    return mostly(st.lists(answer, min_size=1, max_size=3))


def shaped(route: str, version: str, pieces: list[int]) -> st.SearchStrategy[dict[str, Any]]:
    """Bodies with the route's fields, each either of its kind or any JSON value at all."""
    change = st.fixed_dictionaries(
        {
            "op": mostly(st.sampled_from(["edit", "add", "delete"])),
            "criterion": mostly(st.sampled_from(["grad", "w1", "w2", "w3", "new"])),
        },
        optional={
            "text": TEXTS,
            "marks": mostly(st.integers(-3, 3) | st.floats()),
        },
    )
    fields = {
        "mark": {"answers": answers(score=False), "score": SCORES},
        "undo": {"answers": answers(score=True)},
        "accept": {"answers": answers(score=False)},
        "comment": {"answers": answers(score=False), "number": mostly(st.integers(0, 2))},
        "items": {
            "answers": answers(score=False),
            "items": mostly(st.lists(st.sampled_from(["grad", "w1", "w2", "w3", "x"]))),
            "adjust": SCORES,
            "reason": TEXTS,
        },
        "preview": {"version": mostly(st.just(version), TEXTS), "change": mostly(change)},
        "rubric": {"version": mostly(st.just(version), TEXTS), "change": mostly(change)},
        "move": {
            "piece": mostly(st.sampled_from(pieces)),
            "part": mostly(st.sampled_from(["II.7.a", "II.7.c", "II.10.a", "IX"])),
            "version": VERSIONS,
        },
    }[route]
    own = st.fixed_dictionaries(fields)
    return own if route in ("undo", "preview") else st.tuples(own, WHY).map(lambda t: t[0] | t[1])


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(route=st.sampled_from(list(URLS)), data=st.data())
def test_fuzz_every_route(fuzzed: Served, route: str, data: st.DataObject) -> None:
    client, ws = fuzzed
    version = rubric_version(ws.exam.part(RUBRIC_PART))
    pieces = [p.start for p in ws.segmentation(STUDENT).pieces] if route == "move" else [0]
    json_body = mostly(shaped(route, version, pieces)).map(json.dumps).map(str.encode)
    body = data.draw(mostly(json_body, st.binary(max_size=64)))
    started = time.perf_counter()
    reply = post(client, URLS[route], body)
    assert time.perf_counter() - started < 10
    assert reply.status_code < 500, (body, reply.text)
    event(f"{route} {reply.status_code}")  # seen with --hypothesis-show-statistics
    if reply.status_code >= 400:
        error = reply.json()["error"]
        assert error and "\n" not in error
    if route == "rubric" and reply.status_code == 200:
        vars(ws).pop("exam", None)  # read exam.yaml again: the rubric changed
    marks = {p.address: p.marks for p in ws.exam.parts()}
    for grade in ws.grades():
        for score in (grade.manual_score, grade.auto_score):
            assert score is None or 0 <= score <= marks[grade.address]
