"""The review app: Starlette routes over one Workspace; pages in Jinja2, marks as JSON.

Routes:
  GET  /                          the queue: every part's progress, parts waiting for review first
  GET  /part/{address}            one part's answers in groups, with verdicts and evidence;
                                  ?status=&min=&max=&confidence=&disagree=1&order=gain filter
  POST /part/{address}/mark       {"answers": [{"student", "version"}], "items", "adjust",
                                  "reason", "comment", "why"} (or "score": a plain mark)
  POST /part/{address}/accept     {"answers": [...], "why"}: the proposals, as rubric items
  POST /part/{address}/comment    {"answers": [...], "number", "why"}: a comment of the library
  POST /part/{address}/undo       {"answers": [{"student", "version", "mark"}]}
  POST /part/{address}/regrade    {"student", "version", "answer", "mark": keep|accept|items,
                                  "items"}: answer the open regrade request (+ a new mark)
  POST /part/{address}/rubric/preview  {"version", "change": {"op", "criterion", ...}}: impact
  POST /part/{address}/rubric     the same, saved: exam.yaml, re-scored grades, audit event
  GET  /answer/{student}/{address} an answer's audit history (JSON with Accept: application/json)
  GET  /regrades                  the open regrade requests, with a form to answer each
  GET  /student/{student}         the whole script, each piece coloured by its part
  POST /student/{student}/move    {"piece": start, "part", "version", "why"}: move, re-grade
  GET  /static/...                the page's script and style, shipped in the package
  GET|POST /login, POST /logout   only with login on (review/auth.py: users, roles, CSRF)

Bodies are read, size-limited and checked in one place (review/bodies.py). Marks are accepted
as JSON only: a page on another site can post a form to 127.0.0.1 but not
JSON (the browser would ask first, and no CORS answer comes), and the Host check below stops
DNS rebinding, so no other site can mark answers through a grader's browser. With login on
(`access`), every page needs a session and every change its CSRF token as well.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gradewise.actions.common import find_part
from gradewise.errors import ConflictError, GradewiseError
from gradewise.model import Event
from gradewise.review import (
    auth,
    bodies,
    marking,
    pages,
    regrades,
    rubric,
    scan,
    student,
    triage,
)
from gradewise.review.bodies import Accept, GiveComment, Mark, Move, Resolve, RubricEdit, Undo
from gradewise.review.errors import BadInput, NotFound
from gradewise.review.identity import Identities
from gradewise.review.render import render_answer
from gradewise.store.users import User, Users
from gradewise.workspace import Workspace

# Host headers a browser sends for this machine (IPv6 in brackets, as in URLs).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
STATUS = {NotFound: 404, BadInput: 400, ConflictError: 409}
# Only the page's own script and style run: an answer that slipped HTML past the renderer
# still could not run a script or load anything from elsewhere.
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]

T = TypeVar("T")


class Desk:
    """Runs every workspace call on one thread of its own.

    An sqlite3 connection belongs to the thread that opened it, and Starlette answers requests
    on several; one thread also takes this app's marks one at a time (the store's version check
    covers other processes writing the same database).
    """

    def __init__(self, root: Path, *, anonymous: bool) -> None:
        self.root = root
        self.ids = Identities(anonymous=anonymous)
        # Pseudonyms for viewers who must not see names (TAs, with login); the same ones as
        # everybody's when the whole run is anonymous.
        self.hidden = self.ids if anonymous else Identities(anonymous=True)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gradewise-review")
        self._ws: Workspace | None = None
        self._exam_stamp: tuple[int, int, int] | None = None

    async def run(self, fn: Callable[[Workspace, Identities], T]) -> T:
        """`fn(workspace, identities)` on the desk's thread."""
        # The request's context goes along, as asyncio.to_thread does: who is asking decides
        # which identities the pages show and whose CSRF token they carry (review/auth.py).
        context = contextvars.copy_context()
        return await asyncio.wrap_future(self._pool.submit(context.run, self._call, fn))

    def _call(self, fn: Callable[[Workspace, Identities], T]) -> T:
        if self._ws is None:
            self._ws = Workspace(self.root)
        self._fresh_exam(self._ws)
        return fn(self._ws, self.hidden if auth.hides_names() else self.ids)

    def _fresh_exam(self, ws: Workspace) -> None:
        """Forget the loaded exam when exam.yaml changed (a rubric edit, by hand or here)."""
        try:
            found = ws.exam_path.stat()
        except OSError:
            return  # gone for a moment: the loaded exam serves until it is back
        stamp = (found.st_mtime_ns, found.st_size, found.st_ino)
        if stamp != self._exam_stamp:
            vars(ws).pop("exam", None)  # Workspace.exam is a cached_property
            self._exam_stamp = stamp

    def close(self) -> None:
        """Close the database and stop the thread."""
        self._pool.submit(self._close).result()
        self._pool.shutdown()

    def _close(self) -> None:
        if self._ws is not None and "store" in vars(self._ws):  # only if it was ever opened
            self._ws.store.close()


def create_app(
    workspace: Workspace,
    *,
    who: str,
    anonymous: bool = False,
    allowed_hosts: Sequence[str] = LOOPBACK_HOSTS,
    access: auth.Access | None = None,
) -> Starlette:
    """The review app for `workspace`; manual marks are recorded as made by `who`.

    With `access`, pages need login and marks are recorded as made by the logged-in user.
    """
    desk = Desk(workspace.root, anonymous=anonymous)
    routes = Routes(desk, who=who)
    login = _login(desk, access)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await desk.run(lambda ws, ids: ws.exam)  # loaded now, so the first page is quick
        yield
        desk.close()

    return Starlette(
        routes=[
            Route("/", routes.queue),
            Route("/part/{address}", routes.part),
            Route("/part/{address}/mark", routes.mark, methods=["POST"]),
            Route("/part/{address}/accept", routes.accept, methods=["POST"]),
            Route("/part/{address}/comment", routes.comment, methods=["POST"]),
            Route("/part/{address}/undo", routes.undo, methods=["POST"]),
            Route("/part/{address}/regrade", routes.resolve, methods=["POST"]),
            Route("/regrades", routes.regrades),
            Route("/part/{address}/rubric/preview", routes.rubric_preview, methods=["POST"]),
            Route("/part/{address}/rubric", routes.rubric_save, methods=["POST"]),
            Route("/answer/{student}/{address}", routes.history),
            Route("/answer/{student}/{address}/scan", routes.scan_page),
            Route("/student/{student}", routes.student_page),
            Route("/student/{student}/move", routes.move, methods=["POST"]),
            Mount("/static", StaticFiles(packages=[("gradewise.review", "static")])),
            *(login.routes() if login else []),
        ],
        middleware=[
            Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)),
            Middleware(SecurityHeaders),
            *(login.middleware() if login else []),
        ],
        exception_handlers={GradewiseError: routes.error, HTTPException: routes.error},
        lifespan=lifespan,
    )


def _login(desk: Desk, access: auth.Access | None) -> auth.Auth | None:
    """Login for the app, reading users on the desk's thread (None: login is off)."""
    if access is None:
        return None

    async def lookup(name: str) -> User | None:
        return await desk.run(lambda ws, ids: Users(ws.store).get(name))

    async def resolve(label: str) -> str | None:
        return await desk.run(lambda ws, ids: _address(ws, label))

    return auth.Auth(access, lookup, resolve)


def _address(ws: Workspace, label: str) -> str | None:
    """The part a label names, as every page reads it (`5` → I.5); None when none or several."""
    try:
        return find_part(ws, label).address
    except GradewiseError:
        return None


class Routes:
    """The endpoints: each reads the request, runs one function of `pages` or `marking`."""

    def __init__(self, desk: Desk, *, who: str) -> None:
        self.desk = desk
        self.who = who
        self.templates = environment()

    async def queue(self, request: Request) -> Response:
        parts = auth.own_parts()
        return await self._page(
            "queue.html", lambda ws, ids: pages.queue_view(ws, ids, parts=parts)
        )

    async def regrades(self, request: Request) -> Response:
        parts = auth.own_parts()
        return await self._page(
            "regrades.html", lambda ws, ids: regrades.regrades_view(ws, ids, parts=parts)
        )

    async def resolve(self, request: Request) -> Response:
        body, address = await bodies.read(request, Resolve), request.path_params["address"]
        who = auth.who(self.who)
        done = await self.desk.run(
            lambda ws, ids: regrades.resolve(ws, ids, address, body, who=who)
        )
        marked = done.marked
        return JSONResponse(
            {
                "answer": None if marked is None else marking.as_json(marked),
                "message": done.message,
            }
        )

    async def part(self, request: Request) -> Response:
        address = request.path_params["address"]
        filters = triage.parse_filters(request.query_params)
        return await self._page(
            "part.html", lambda ws, ids: pages.part_view(ws, ids, address, filters)
        )

    async def rubric_preview(self, request: Request) -> Response:
        body, address = await bodies.read(request, RubricEdit), request.path_params["address"]
        impact = await self.desk.run(lambda ws, ids: rubric.preview(ws, address, body))
        return JSONResponse(asdict(impact))

    async def rubric_save(self, request: Request) -> Response:
        body, address = await bodies.read(request, RubricEdit), request.path_params["address"]
        who = auth.who(self.who)
        impact = await self.desk.run(lambda ws, ids: rubric.apply(ws, address, body, who=who))
        return JSONResponse({**asdict(impact), "message": f"Saved. {impact.message}"})

    async def student_page(self, request: Request) -> Response:
        key = request.path_params["student"]
        return await self._page("student.html", lambda ws, ids: student.student_view(ws, ids, key))

    async def move(self, request: Request) -> Response:
        body, key = await bodies.read(request, Move), request.path_params["student"]
        who = auth.who(self.who)
        moved = await self.desk.run(lambda ws, ids: student.move(ws, ids, key, body, who=who))
        return JSONResponse({**asdict(moved), "message": moved.message})

    async def history(self, request: Request) -> Response:
        student, address = request.path_params["student"], request.path_params["address"]
        if _wants_json(request):
            view = await self.desk.run(
                lambda ws, ids: pages.history_view(ws, ids, student, address)
            )
            return JSONResponse({"events": [_event(e) for e in view.events]})
        return await self._page(
            "history.html", lambda ws, ids: pages.history_view(ws, ids, student, address)
        )

    async def scan_page(self, request: Request) -> Response:
        student, address = request.path_params["student"], request.path_params["address"]
        hide = self.desk.ids.anonymous or auth.hides_names()
        png = await self.desk.run(
            lambda ws, ids: scan.answer_page(ws, ids, student, address, hide=hide)
        )
        return Response(png, media_type="image/png", headers={"Cache-Control": "private"})

    async def mark(self, request: Request) -> Response:
        body, address = await bodies.read(request, Mark), request.path_params["address"]
        done = await self.desk.run(
            lambda ws, ids: marking.mark(ws, ids, address, body, who=auth.who(self.who))
        )
        return _marked(done, "Saved")

    async def accept(self, request: Request) -> Response:
        body, address = await bodies.read(request, Accept), request.path_params["address"]
        done = await self.desk.run(
            lambda ws, ids: marking.accept(ws, ids, address, body, who=auth.who(self.who))
        )
        return _marked(done, "Accepted")

    async def comment(self, request: Request) -> Response:
        body, address = await bodies.read(request, GiveComment), request.path_params["address"]
        done = await self.desk.run(
            lambda ws, ids: marking.give_comment(ws, ids, address, body, who=auth.who(self.who))
        )
        return _marked(done, "Comment given")

    async def undo(self, request: Request) -> Response:
        body, address = await bodies.read(request, Undo), request.path_params["address"]
        done = await self.desk.run(
            lambda ws, ids: marking.undo(ws, ids, address, body, who=auth.who(self.who))
        )
        return _marked(done, "Undone")

    async def error(self, request: Request, exc: Exception) -> Response:
        """A user error as JSON (for the page's script) or as a page, with its HTTP status."""
        status, message = _status(request, exc)
        if _wants_json(request):
            return JSONResponse({"error": message, "status": status}, status_code=status)
        html = self.templates.get_template("error.html").render(
            status=status, message=message, anonymous=self.desk.ids.anonymous or auth.hides_names()
        )
        return HTMLResponse(html, status_code=status)

    async def _page(self, name: str, build: Callable[[Workspace, Identities], Any]) -> Response:
        template = self.templates.get_template(name)
        # Rendered on the desk's thread too: the answers' Markdown and MathML take the time.
        html = await self.desk.run(
            lambda ws, ids: template.render(view=build(ws, ids), anonymous=ids.anonymous)
        )
        return HTMLResponse(html)


def environment() -> Environment:
    """The page templates, shipped in gradewise/review/templates, autoescaped."""
    env = Environment(
        loader=PackageLoader("gradewise.review", "templates"),
        auto_reload=False,  # shipped in the package: no need to stat each file per include
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["marks"] = lambda value: f"{round(value, 2):g}"  # as people write them: 2.5
    env.filters["exact"] = _exact
    env.globals["render"] = render_answer
    row = env.get_template("_criterion.html")
    # Answers alike have the same rows: each distinct one is laid out once (1,000 cards).
    env.globals["criterion_row"] = lru_cache(maxsize=8192)(
        lambda c, marking: Markup(row.render(c=c, marking=marking))
    )
    env.globals.update(auth.TEMPLATE_GLOBALS)  # who is logged in, and their CSRF token
    return env


def _exact(value: float) -> str:
    """A number as the page must send it back, the very same float: 5, 0.1, 1.3333333333333333."""
    text = repr(float(value))
    return text.removesuffix(".0")


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _status(request: Request, exc: Exception) -> tuple[int, str]:
    """The HTTP status and the one-line message for an error."""
    if not isinstance(exc, HTTPException):
        # Any other GradewiseError is the workspace's (a broken exam file): not the request's.
        status, message = STATUS.get(type(exc), 500), str(exc)
    elif exc.status_code == 404:
        status, message = 404, f"no page at {request.url.path} — start from the queue at /"
    else:
        status, message = exc.status_code, str(exc.detail)
    return status, " ".join(message.split())  # one line, whatever the message quoted


def _wants_json(request: Request) -> bool:
    return request.method == "POST" or "application/json" in request.headers.get("accept", "")


def _marked(done: Sequence[marking.Marked], verb: str) -> JSONResponse:
    answers = [marking.as_json(m) for m in done]
    noun = "mark" if len(done) == 1 else "marks"
    return JSONResponse({"answers": answers, "message": f"{verb}: {len(done)} {noun}"})


def _event(event: Event) -> dict[str, Any]:
    # The student id is left out: the URL already says whose answer it is.
    return {k: getattr(event, k) for k in ("id", "at", "who", "kind", "old", "new", "why")}
