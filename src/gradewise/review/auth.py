"""Login for the review pages: users with roles, signed session cookies that expire, a CSRF
token on every change, and failed logins slowed down.

Off unless asked: a loopback server has one grader, the `who` it was started with. `gradewise
review serve` turns it on for any other address (or with --login); then every route but these
needs a session:

  GET  /login       the form;  POST /login  name and password → a session, then `next`
  GET  /static/...  the pages' script and style
  (POST /logout ends the session; it needs one, and its CSRF token.)

Sessions live in this process's memory (a restart logs everybody out). The cookie holds only a
random session id, signed by starlette's SessionMiddleware (itsdangerous) with a key made afresh
each run; it is HttpOnly (no script reads it) and SameSite=Strict (no other site's page sends
it). A session ends `session_hours` after login, whatever is done in it. Each request reads its
user again, so `gradewise users remove` or `users assign` takes effect at once.

Every state-changing request must carry the session's CSRF token: an X-CSRF-Token header (the
pages' script reads it from <meta name="csrf-token">) or a form's `csrf` field. The login form
has a token of its own, kept in the signed cookie before any session exists.

Failed logins are counted per client address and per name from that address, never per name
alone (then anyone who knew a user's name could lock them out): a name tried from one address
waits after `free_failures` in a row, an address after `free_failures_per_address` whatever the
names. The counts live in this process's memory: restarting the server clears them.

Roles: an instructor may do everything. A TA may see the queue and view, mark and undo the
answers of their own parts, and see and answer the regrade requests on them; every other
route, routes added later included, answers 403 until TA_ROUTES names it.
"""

from __future__ import annotations

import hmac
import ipaddress
import math
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote

from argon2 import PasswordHasher
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route, compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gradewise.review import passwords
from gradewise.store.users import NAME, User

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
FORM = "application/x-www-form-urlencoded"
MAX_FORM = 64 * 1024  # bytes: a login or logout form is tiny; anything larger is refused
COOKIE = "gradewise_session"
CSRF_REFUSED = (
    "this request carried no valid CSRF token, so nothing was changed"
    " — reload the page and try again"
)
# Why the login form is shown again: fixed texts, so a link cannot put words on the page.
NOTICES = {
    "login": "Log in to grade.",
    "expired": "Your session has expired: log in again.",
    "gone": "Your user no longer exists: ask an instructor.",
    "out": "You are logged out.",
}
# What a TA may do: (method, path as the app's routes write it, the parameter naming a part).
TA_ROUTES = tuple(
    (method, compile_path(path)[0], part)
    for method, path, part in (
        ("GET", "/", None),
        ("GET", "/part/{address}", "address"),
        ("POST", "/part/{address}/mark", "address"),
        ("POST", "/part/{address}/accept", "address"),
        ("POST", "/part/{address}/comment", "address"),
        ("POST", "/part/{address}/undo", "address"),
        ("POST", "/part/{address}/regrade", "address"),
        ("GET", "/regrades", None),  # the page shows a TA only the requests on their parts
        ("GET", "/answer/{student}/{address}", "address"),
        ("GET", "/answer/{student}/{address}/scan", "address"),
        ("POST", "/logout", None),
    )
)

Lookup = Callable[[str], Awaitable[User | None]]
# A part's label as a URL may give it (`7a`, `Q7 (a)`) → its address, or None (no such part).
Resolve = Callable[[str], Awaitable[str | None]]


@dataclass(frozen=True)
class Access:
    """How login works for one server run."""

    session_hours: float = 8.0
    anonymous_for_ta: bool = True
    hasher: PasswordHasher = passwords.DEFAULT
    clock: Callable[[], float] = time.time
    free_failures: int = 5  # failed logins of one name from one address before each must wait
    free_failures_per_address: int = 20  # of any names from one address (a guesser's spray)

    @property
    def session_seconds(self) -> int:
        return max(1, round(self.session_hours * 3600))


@dataclass(frozen=True)
class Viewer:
    """Who is asking, for one request: their role, parts, CSRF token, and whether names hide."""

    name: str
    role: str
    parts: frozenset[str]
    csrf: str
    anonymous: bool


_VIEWER: ContextVar[Viewer | None] = ContextVar("gradewise_viewer", default=None)


def viewer() -> Viewer | None:
    """Who is asking (None: login is off)."""
    return _VIEWER.get()


def who(default: str) -> str:
    """The name audit events carry: the logged-in user's, else `default` (serve's --who)."""
    found = _VIEWER.get()
    return found.name if found else default


def hides_names() -> bool:
    """Whether the pages must show pseudonyms to whoever is asking."""
    found = _VIEWER.get()
    return found is not None and found.anonymous


def own_parts() -> frozenset[str] | None:
    """The parts whoever is asking may grade: a TA's; None for an instructor, or no login."""
    found = _VIEWER.get()
    return found.parts if found is not None and found.role != "instructor" else None


def csrf_token() -> str:
    """The token a page sends back with each change ('' when login is off)."""
    found = _VIEWER.get()
    return found.csrf if found else ""


TEMPLATE_GLOBALS: dict[str, Any] = {"viewer": viewer, "csrf_token": csrf_token}


def _ta_route(method: str, path: str) -> tuple[bool, str | None]:
    """Whether a TA's route serves `method path`, and the part it names there (as written)."""
    method = "GET" if method == "HEAD" else method
    for allowed, pattern, param in TA_ROUTES:
        match = pattern.match(path)
        if match is not None and method == allowed:
            return True, match.group(param) if param else None
    return False, None


def part_in(method: str, path: str) -> str | None:
    """The part a TA's route names in `path` (as written there), or None."""
    return _ta_route(method, path)[1]


def refusal(
    found: Viewer, method: str, path: str, named: Mapping[str, str] | None = None
) -> str | None:
    """Why `found` may not do `method path`, or None when they may. `named`: the address a
    label in the path names (`5` → I.5), as every page reads a part."""
    if found.role == "instructor":
        return None
    mine = ", ".join(sorted(found.parts)) or "no parts yet"
    routed, address = _ta_route(method, path)
    if not routed:
        return f"only instructors may use {path}; as a TA you grade {mine}"
    if address is None or (named or {}).get(address, address) in found.parts:
        return None
    return (
        f"{address} is not one of your parts as a TA (yours: {mine})"
        f" — an instructor can add it with 'gradewise users assign {found.name} PARTS'"
    )


@dataclass(frozen=True)
class Session:
    """One login: whose, its CSRF token, and when it ends (clock seconds)."""

    name: str
    csrf: str
    ends: float


class Sessions:
    """Live sessions by random id, in memory."""

    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self.seconds = seconds
        self.clock = clock
        self._live: dict[str, Session] = {}

    def start(self, name: str) -> str:
        """A new session for `name`; returns its id."""
        now = self.clock()
        # Expired ones are kept a while longer, so their owner hears "expired", not "log in".
        self._live = {k: s for k, s in self._live.items() if s.ends + self.seconds > now}
        sid = secrets.token_urlsafe(32)
        self._live[sid] = Session(name, secrets.token_urlsafe(32), now + self.seconds)
        return sid

    def find(self, sid: str) -> tuple[Session | None, bool]:
        """The live session `sid`, and whether it was found expired."""
        found = self._live.get(sid)
        if found is None:
            return None, False
        if self.clock() >= found.ends:
            del self._live[sid]
            return None, True
        return found, False

    def end(self, sid: str) -> None:
        """Forget the session (logout)."""
        self._live.pop(sid, None)


@dataclass
class _Failures:
    count: int
    last: float


@dataclass
class Throttle:
    """Failed logins per key (a client's address, or a name tried from one).

    After `free` failures in a row every further try with that key must wait: a second, then
    twice as long each time, up to a quarter of an hour; an hour without failures forgets them.
    """

    clock: Callable[[], float]
    free: int = 5
    first_wait: float = 1.0
    longest_wait: float = 900.0
    forget_after: float = 3600.0
    _failures: dict[str, _Failures] = field(default_factory=dict)

    def wait(self, keys: Iterable[str]) -> float:
        """Seconds to wait before the next try with any of `keys` (0: now)."""
        now = self.clock()
        return max((self._wait(k, now) for k in keys), default=0.0)

    def _wait(self, key: str, now: float) -> float:
        found = self._failures.get(key)
        if found is None or now - found.last >= self.forget_after or found.count < self.free:
            return 0.0
        lock = min(self.longest_wait, self.first_wait * 2 ** (found.count - self.free))
        return max(0.0, found.last + lock - now)

    def failed(self, keys: Iterable[str]) -> None:
        """Count one failure against each key."""
        now = self.clock()
        if len(self._failures) > 10_000:  # a flood of addresses must not fill the memory
            self._failures = {
                k: f for k, f in self._failures.items() if now - f.last < self.forget_after
            }
        for key in keys:
            found = self._failures.setdefault(key, _Failures(0, now))
            found.count, found.last = found.count + 1, now

    def succeeded(self, key: str) -> None:
        """Forget the failures of `key`."""
        self._failures.pop(key, None)


class Auth:
    """Login for one app: its routes and middleware, the live sessions, the throttle."""

    def __init__(self, access: Access, lookup: Lookup, resolve: Resolve | None = None) -> None:
        self.access = access
        self.lookup = lookup
        self.resolve = resolve
        self.sessions = Sessions(access.session_seconds, access.clock)
        self.by_address = Throttle(access.clock, free=access.free_failures_per_address)
        self.by_name = Throttle(access.clock, free=access.free_failures)
        self.templates = environment()
        self._secret = secrets.token_urlsafe(32)  # per run: a restart voids every cookie

    def routes(self) -> list[Route]:
        """/login (form and post) and /logout."""
        return [
            Route("/login", self.login_page, methods=["GET"]),
            Route("/login", self.login, methods=["POST"]),
            Route("/logout", self.logout, methods=["POST"]),
        ]

    def middleware(self) -> list[Middleware]:
        """The signed session cookie, then the gate that checks session, CSRF and role."""
        return [
            Middleware(
                SessionMiddleware,
                secret_key=self._secret,
                session_cookie=COOKIE,
                max_age=self.access.session_seconds,
                same_site="strict",
            ),
            Middleware(Gate, auth=self),
        ]

    async def viewer_for(self, request: Request) -> tuple[Viewer | None, str]:
        """Who sent `request`, or None and why not ('login', 'expired', 'gone')."""
        sid = request.session.get("sid")
        if not isinstance(sid, str):
            return None, "login"
        session, expired = self.sessions.find(sid)
        if session is None:
            return None, "expired" if expired else "login"
        user = await self.lookup(session.name)
        if user is None:
            self.sessions.end(sid)
            return None, "gone"
        anonymous = user.role == "ta" and self.access.anonymous_for_ta
        return Viewer(user.name, user.role, frozenset(user.parts), session.csrf, anonymous), ""

    async def login_page(self, request: Request) -> Response:
        """The login form (or, when logged in already, on to `next`)."""
        target = local_target(request.query_params.get("next"))
        found, _ = await self.viewer_for(request)
        if found is not None:
            return RedirectResponse(target, 303)
        return self._form(request, target, NOTICES.get(request.query_params.get("why", ""), ""))

    async def login(self, request: Request) -> Response:
        """Check name and password; a new session on success, the form again on failure."""
        form = await _form(request.receive)
        target = local_target(form.get("next"))
        if not _same(form.get("csrf"), request.session.get("login_csrf")):
            return self.deny(request, 403, CSRF_REFUSED)
        name = form.get("name", "").strip()
        address = client_address(request)
        wait = max(self.by_address.wait([address]), self.by_name.wait([f"{name}@{address}"]))
        if wait > 0:
            seconds = math.ceil(wait)
            notice = f"Too many failed logins: try again in {seconds} s."
            return self._form(request, target, notice, 429, {"retry-after": str(seconds)})
        user = await self.lookup(name) if NAME.fullmatch(name) else None
        stored = user.password_hash if user else None
        # Off the event loop: a hash takes a fifth of a second that other requests need. It
        # runs for unknown names too (see passwords.verify).
        ok = await run_in_threadpool(
            passwords.verify, stored, form.get("password", ""), self.access.hasher
        )
        if user is None or not ok:
            self.by_address.failed([address])
            self.by_name.failed([f"{name}@{address}"])
            return self._form(request, target, "Wrong name or password.", 401)
        # Only the name's count: one's own login must not wipe an address's failed guesses.
        self.by_name.succeeded(f"{name}@{address}")
        return self._start(request, user.name, target)

    async def logout(self, request: Request) -> Response:
        """End the session (the gate has checked it and its CSRF token)."""
        sid = request.session.get("sid")
        if isinstance(sid, str):
            self.sessions.end(sid)
        request.session.clear()
        return RedirectResponse("/login?why=out", 303)

    def deny(self, request: Request, status: int, message: str) -> Response:
        """A refusal as JSON (the pages' script) or as an error page."""
        if wants_json(request):
            return JSONResponse({"error": message, "status": status}, status_code=status)
        page = self.templates.get_template("error.html")
        html = page.render(status=status, message=message, anonymous=hides_names())
        return HTMLResponse(html, status_code=status)

    def _start(self, request: Request, name: str, target: str) -> Response:
        old = request.session.get("sid")
        if isinstance(old, str):
            self.sessions.end(old)
        # A fresh session id at each login: an id planted before login is worth nothing.
        request.session.clear()
        request.session["sid"] = self.sessions.start(name)
        return RedirectResponse(target, 303)

    def _form(
        self,
        request: Request,
        target: str,
        notice: str,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Response:
        token = request.session.get("login_csrf")
        if not isinstance(token, str):
            token = request.session["login_csrf"] = secrets.token_urlsafe(32)
        html = self.templates.get_template("login.html").render(
            csrf=token, next=target, notice=notice
        )
        return HTMLResponse(html, status_code=status, headers=headers)


class Gate:
    """Lets a request through only with a live session, its CSRF token on any change, and a
    role that allows the route; the viewer is then known to the pages (see `viewer`)."""

    def __init__(self, app: ASGIApp, auth: Auth) -> None:
        self.app = app
        self.auth = auth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path == "/login" or path.startswith("/static/"):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        found, why = await self.auth.viewer_for(request)
        if found is None:
            await login_first(request, why)(scope, receive, send)
            return
        token = _VIEWER.set(found)
        try:
            refused, receive = await self._refused(scope, receive, found)
            if refused:
                await self.auth.deny(request, 403, refused)(scope, receive, send)
            else:
                await self.app(scope, receive, send)
        finally:
            _VIEWER.reset(token)

    async def _refused(self, scope: Scope, receive: Receive, found: Viewer) -> tuple[str, Receive]:
        if scope["method"] not in SAFE_METHODS:
            sent, receive = await _sent_token(scope, receive)
            if not _same(sent, found.csrf):
                return CSRF_REFUSED, receive
        label = part_in(scope["method"], scope["path"])
        named: dict[str, str] = {}
        if label is not None and label not in found.parts and self.auth.resolve is not None:
            address = await self.auth.resolve(label)
            named = {label: address} if address else {}
        return refusal(found, scope["method"], scope["path"], named) or "", receive


def login_first(request: Request, why: str) -> Response:
    """No session: a page goes to the login form (and back after), the script gets a 401."""
    if wants_json(request):
        said = {"expired": "your session has expired", "gone": "your user no longer exists"}
        message = f"{said.get(why, 'you are not logged in')} — reload the page to log in"
        return JSONResponse({"error": message, "status": 401}, status_code=401)
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(back, safe='')}&why={why}", 303)


def client_address(request: Request) -> str:
    """Whom the throttle counts: the client's address; for IPv6 its /64 network (one machine
    is commonly given a whole /64, so each of its addresses alone would count for little)."""
    host = request.client.host if request.client else ""
    try:
        found = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(found, ipaddress.IPv6Address):
        if found.ipv4_mapped is not None:
            return str(found.ipv4_mapped)
        return str(ipaddress.ip_network(f"{found}/64", strict=False))
    return host


def local_target(target: str | None) -> str:
    """Where to go after login: a path on this server, never another site ('//evil.example')."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return "/" if target.startswith(("/login", "/logout")) else target


def wants_json(request: Request) -> bool:
    """The app's rule: POSTs and Accept: application/json get JSON, pages get HTML."""
    return request.method == "POST" or "application/json" in request.headers.get("accept", "")


def environment() -> Environment:
    """The login form and error page templates (the app's own, with the same settings)."""
    env = Environment(
        loader=PackageLoader("gradewise.review", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(TEMPLATE_GLOBALS)
    return env


def _same(sent: Any, expected: Any) -> bool:
    if not isinstance(sent, str) or not isinstance(expected, str) or not expected:
        return False
    return hmac.compare_digest(sent.encode(), expected.encode())


async def _sent_token(scope: Scope, receive: Receive) -> tuple[str | None, Receive]:
    """The CSRF token from the header, or from a form's `csrf` field (the body is replayed)."""
    headers = Headers(scope=scope)
    if "x-csrf-token" in headers:
        return headers["x-csrf-token"], receive
    if headers.get("content-type", "").split(";")[0].strip() != FORM:
        return None, receive
    body = await _body(receive)
    if body is None:
        return None, receive
    return _fields(body).get("csrf"), _replay(body, receive)


async def _form(receive: Receive) -> dict[str, str]:
    body = await _body(receive)
    return _fields(body) if body is not None else {}


def _fields(body: bytes) -> dict[str, str]:
    try:
        parsed = parse_qs(body.decode("utf-8", "replace"), max_num_fields=20)
    except ValueError:  # more fields than any form of ours has
        return {}
    return {k: v[0] for k, v in parsed.items()}


async def _body(receive: Receive) -> bytes | None:
    """The request body, or None when it is larger than MAX_FORM or the client left."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > MAX_FORM:
            return None
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the app the body already read, then what the client sends."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again
