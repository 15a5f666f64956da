"""Login for the review app, in-process (Starlette's TestClient) on the graded bundled example.

Every route without a session (pages redirect to the login form, the script's requests get 401),
wrong passwords, slowed repeated failures, expired sessions, logout, missing or wrong CSRF
tokens (403), a TA inside and outside their parts, an instructor everywhere, the hashes kept,
the `users` commands through CliRunner, `review serve` refusing other addresses without an
instructor, and a TA logging in, marking and logging out in Chromium (the script's CSRF header).
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher, profiles
from click.testing import CliRunner
from starlette.requests import Request
from starlette.testclient import TestClient

from conftest import review_server
from gradewise.cli import cli
from gradewise.review import auth, create_app, server
from gradewise.review.passwords import hash_password, verify
from gradewise.store.users import Users
from gradewise.workspace import DB_FILE, Workspace, init_workspace, open_workspace

# Hashes as cheap as Argon2 allows: the tests log in often; real ones take 0.2 s each.
CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)
INSTRUCTOR, TA = ("ada", "correct horse staple"), ("bo", "battery and bolts")
TA_PART, OTHER_PART = "II.10.a", "I.1"
HOURS = 8 * 3600


class Clock:
    """A clock the test moves: sessions and the throttle read it."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def graded(example: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The graded example with an instructor and a TA."""
    root = shutil.copytree(example, tmp_path_factory.mktemp("auth") / "ws")
    ws = open_workspace(root)
    users = Users(ws.store)
    users.add(INSTRUCTOR[0], "instructor", CHEAP.hash(INSTRUCTOR[1]), who="test")
    users.add(TA[0], "ta", CHEAP.hash(TA[1]), [TA_PART], who="test")
    ws.store.close()
    return root


@pytest.fixture
def ws(graded: Path, tmp_path: Path) -> Workspace:
    return open_workspace(shutil.copytree(graded, tmp_path / "ws"))


@pytest.fixture
def clock() -> Clock:
    return Clock()


def client_for(
    ws: Workspace, clock: Clock, address: str = "testclient", **options: Any
) -> TestClient:
    access = auth.Access(hasher=CHEAP, clock=clock, **options)
    app = create_app(ws, who="server-user", access=access)
    return browser(app, address)


def browser(app: Any, address: str) -> TestClient:
    """A client of `app` from `address`, with cookies of its own."""
    return TestClient(
        app, base_url="http://127.0.0.1", follow_redirects=False, client=(address, 50000)
    )


@pytest.fixture
def client(ws: Workspace, clock: Clock) -> Iterator[TestClient]:
    with client_for(ws, clock) as c:
        yield c


def field(page: str, name: str) -> str:
    """The value of a form's hidden field."""
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no field {name} in the page"
    return found.group(1)


def meta_token(page: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', page)
    assert found, "no csrf-token meta tag"
    return found.group(1)


def log_in(client: TestClient, user: tuple[str, str], **extra: str) -> Any:
    """Post the login form as a browser would: with the form's own token."""
    token = field(client.get("/login").text, "csrf")
    data = {"csrf": token, "name": user[0], "password": user[1], **extra}
    return client.post("/login", data=data)


def logged_in(client: TestClient, user: tuple[str, str]) -> str:
    """Log in; returns the session's CSRF token as the pages carry it."""
    assert log_in(client, user).status_code == 303
    return meta_token(client.get("/").text)


def set_cookie(client: TestClient, value: str) -> None:
    client.cookies.clear()
    client.cookies.set(auth.COOKIE, value, domain="127.0.0.1")


def mark(client: TestClient, address: str, token: str | None, student: str = "s2024002") -> Any:
    headers = {"x-csrf-token": token} if token is not None else {}
    body = {"answers": [{"student": student, "version": 0}], "score": 1, "why": "t"}
    return client.post(f"/part/{address}/mark", json=body, headers=headers)


# no session ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",  # the queue
        f"/part/{TA_PART}",  # a part
        f"/answer/s2024001/{TA_PART}",  # an answer's history
        "/nowhere",  # even a page that does not exist: no login, no answer
    ],
)
def test_pages_without_a_session_go_to_the_login_form(client: TestClient, url: str) -> None:
    page = client.get(url + "?x=1")
    assert page.status_code == 303
    assert page.headers["location"] == f"/login?next={url.replace('/', '%2F')}%3Fx%3D1&why=login"
    form = client.get(page.headers["location"])
    assert form.status_code == 200 and "Log in to grade." in form.text
    assert field(form.text, "next") == url + "?x=1"


@pytest.mark.parametrize(
    "method, url",
    [
        ("POST", f"/part/{TA_PART}/mark"),  # marking
        ("POST", f"/part/{TA_PART}/undo"),  # undoing
        ("POST", "/logout"),  # logging out with no session
        ("GET", f"/answer/s2024001/{TA_PART}"),  # the history as JSON
    ],
)
def test_requests_without_a_session_are_401_json(
    client: TestClient, ws: Workspace, method: str, url: str
) -> None:
    reply = client.request(method, url, json={}, headers={"accept": "application/json"})
    assert reply.status_code == 401
    assert reply.json() == {
        "error": "you are not logged in — reload the page to log in",
        "status": 401,
    }
    assert ws.store.events("s2024002") == []


def test_login_form_and_static_files_need_no_session(client: TestClient) -> None:
    form = client.get("/login")
    assert form.status_code == 200 and 'name="password"' in form.text
    assert "default-src 'self'" in form.headers["content-security-policy"]
    for asset in ("review.js", "review.css", "login.css"):
        assert client.get(f"/static/{asset}").status_code == 200


# logging in ----------------------------------------------------------------------------------


def test_login_goes_back_to_next_with_a_signed_strict_cookie(client: TestClient) -> None:
    reply = log_in(client, INSTRUCTOR, next=f"/part/{TA_PART}")
    assert reply.status_code == 303 and reply.headers["location"] == f"/part/{TA_PART}"
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith(f"{auth.COOKIE}=")
    for flag in ("httponly", "samesite=strict", f"max-age={HOURS}", "path=/"):
        assert flag in cookie.lower()
    page = client.get(f"/part/{TA_PART}")
    assert page.status_code == 200 and 'id="user">ada · instructor' in page.text
    # Logged in already: the form sends one on.
    assert client.get("/login?next=/part/I.1").headers["location"] == "/part/I.1"


def test_a_tampered_cookie_is_no_session(client: TestClient) -> None:
    log_in(client, INSTRUCTOR)
    value = client.cookies[auth.COOKIE]
    payload, rest = value.split(".", 1)  # base64 JSON, then the timestamp and the signature
    forged = json.dumps({"sid": "guessed"}).encode()
    set_cookie(client, base64.b64encode(forged).decode() + "." + rest)
    assert client.get("/").status_code == 303
    set_cookie(client, payload + "." + rest)
    assert client.get("/").status_code == 200  # the cookie as it was signed


@pytest.mark.parametrize(
    "name, password",
    [
        ("ada", "wrong password"),  # a known user, a wrong password
        ("nobody", "correct horse staple"),  # an unknown user: the same answer
        ("ada", ""),  # no password
        ("<script>", "x"),  # not even a possible name
    ],
)
def test_wrong_name_or_password(client: TestClient, name: str, password: str) -> None:
    reply = log_in(client, (name, password))
    assert reply.status_code == 401 and "Wrong name or password." in reply.text
    assert client.get("/").status_code == 303  # still no session


@pytest.mark.parametrize(
    "token",
    [None, "forged-token"],  # no token; a token the server never gave
)
def test_login_needs_the_forms_own_token(client: TestClient, token: str | None) -> None:
    client.get("/login")
    data = {"name": INSTRUCTOR[0], "password": INSTRUCTOR[1]}
    if token is not None:
        data["csrf"] = token
    reply = client.post("/login", data=data)
    assert reply.status_code == 403 and "CSRF" in reply.text
    assert client.get("/").status_code == 303


@pytest.mark.parametrize(
    "target, lands",
    [
        ("//evil.example/x", "/"),  # another site, written as a path
        ("https://evil.example/", "/"),  # another site
        ("/\\evil.example", "/"),  # a backslash browsers read as a slash
        ("/logout", "/"),  # not a page to land on
        ("/part/I.1?x=1", "/part/I.1?x=1"),  # a page here, with its query
    ],
)
def test_login_goes_only_to_pages_on_this_server(
    client: TestClient, target: str, lands: str
) -> None:
    assert log_in(client, INSTRUCTOR, next=target).headers["location"] == lands


def test_repeated_failures_are_slowed_down(client: TestClient, clock: Clock) -> None:
    for _ in range(5):
        assert log_in(client, (INSTRUCTOR[0], "guess")).status_code == 401
    locked = log_in(client, INSTRUCTOR)  # even the right password must wait now
    assert locked.status_code == 429 and locked.headers["retry-after"] == "1"
    assert "Too many failed logins: try again in 1 s." in locked.text
    clock.advance(1)
    assert log_in(client, (INSTRUCTOR[0], "guess")).status_code == 401
    # The wait doubles with each failure of that name from that address.
    assert log_in(client, INSTRUCTOR).headers["retry-after"] == "2"
    # Another name from the same address (another browser there) need not wait.
    assert log_in(browser(client.app, "testclient"), TA).status_code == 303
    clock.advance(2)
    assert log_in(client, INSTRUCTOR).status_code == 303


def test_failures_from_elsewhere_never_lock_a_user_out(ws: Workspace, clock: Clock) -> None:
    # Issue 13: anyone who knew a user's name could lock them out by failing in their name.
    with client_for(ws, clock, address="203.0.113.9") as stranger:
        for _ in range(30):
            log_in(stranger, (INSTRUCTOR[0], "guess"))
        assert log_in(stranger, INSTRUCTOR).status_code == 429  # the guesser waits
        own = browser(stranger.app, "192.0.2.4")
        assert log_in(own, INSTRUCTOR).status_code == 303  # the user does not


def test_an_address_guessing_many_names_is_slowed_down(ws: Workspace, clock: Clock) -> None:
    free = auth.Access().free_failures_per_address
    with client_for(ws, clock, address="203.0.113.9") as guesser:
        for i in range(free):
            assert log_in(guesser, (f"user{i}", "guess")).status_code == 401  # a name once each
        assert log_in(guesser, (f"user{free}", "guess")).status_code == 429
        assert log_in(guesser, TA).status_code == 429  # even a right password from there
        other = browser(guesser.app, "192.0.2.4")
        assert log_in(other, TA).status_code == 303  # from elsewhere: no wait


@pytest.mark.parametrize(
    "host, counted",
    [
        ("192.0.2.4", "192.0.2.4"),  # IPv4: the address
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),  # IPv6: its /64, which one machine gets
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),  # ... so another address there is the same
        ("::ffff:192.0.2.4", "192.0.2.4"),  # IPv4 written as IPv6: the IPv4 address
        ("testclient", "testclient"),  # not an address: as it is
    ],
)
def test_throttle_counts_by_address(host: str, counted: str) -> None:
    request = Request({"type": "http", "client": (host, 1), "headers": []})
    assert auth.client_address(request) == counted


def test_throttle_waits_double_up_to_a_limit_and_are_forgotten() -> None:
    clock = Clock()
    throttle = auth.Throttle(clock, free=2, first_wait=1, longest_wait=4, forget_after=60)
    waits = []
    for _ in range(6):
        throttle.failed(["k"])
        waits.append(throttle.wait(["k", "other"]))
    assert waits == [0, 1, 2, 4, 4, 4]
    clock.advance(60)
    assert throttle.wait(["k"]) == 0
    throttle.failed(["k"])
    throttle.succeeded("k")
    assert throttle.wait(["k"]) == 0


# sessions ------------------------------------------------------------------------------------


def test_an_expired_session_goes_back_to_login(client: TestClient, clock: Clock) -> None:
    logged_in(client, INSTRUCTOR)
    clock.advance(HOURS - 1)
    assert client.get("/").status_code == 200  # eight hours less a second: still on
    clock.advance(1)
    page = client.get(f"/part/{TA_PART}")
    assert page.status_code == 303 and page.headers["location"].endswith("&why=expired")
    assert "Your session has expired" in client.get(page.headers["location"]).text


def test_an_expired_session_is_401_for_the_script(client: TestClient, clock: Clock) -> None:
    token = logged_in(client, INSTRUCTOR)
    clock.advance(HOURS)
    reply = mark(client, TA_PART, token)
    assert reply.status_code == 401 and "session has expired" in reply.json()["error"]


def test_session_length_is_configurable(ws: Workspace, clock: Clock) -> None:
    with client_for(ws, clock, session_hours=0.5) as client:
        reply = log_in(client, INSTRUCTOR)
        assert "max-age=1800" in reply.headers["set-cookie"].lower()
        clock.advance(1799)
        assert client.get("/").status_code == 200
        clock.advance(1)
        assert client.get("/").status_code == 303


def test_logout_ends_the_session_for_good(client: TestClient) -> None:
    logged_in(client, INSTRUCTOR)
    page = client.get("/").text
    kept = client.cookies[auth.COOKIE]  # what a thief might have copied
    reply = client.post("/logout", data={"csrf": field(page, "csrf")})
    assert reply.status_code == 303 and reply.headers["location"] == "/login?why=out"
    assert "You are logged out." in client.get("/login?why=out").text
    assert client.get("/").status_code == 303
    set_cookie(client, kept)  # the old cookie is signed, but its session is gone
    assert client.get("/").status_code == 303


def test_logout_needs_the_csrf_token(client: TestClient) -> None:
    logged_in(client, INSTRUCTOR)
    assert client.post("/logout", data={"csrf": "forged"}).status_code == 403
    assert client.post("/logout").status_code == 403
    assert client.get("/").status_code == 200  # still logged in


def test_a_removed_user_is_out_at_once(client: TestClient, ws: Workspace) -> None:
    token = logged_in(client, TA)
    Users(ws.store).remove(TA[0], who="test")
    reply = mark(client, TA_PART, token)
    assert reply.status_code == 401 and "no longer exists" in reply.json()["error"]
    assert client.get("/").headers["location"].endswith("why=login")  # the session is gone


def test_login_replaces_the_cookie_it_came_with(client: TestClient) -> None:
    client.get("/login")
    before = client.cookies[auth.COOKIE]  # the login form's token only
    logged_in(client, INSTRUCTOR)
    assert client.cookies[auth.COOKIE] != before
    set_cookie(client, before)  # a cookie planted before login is no session
    assert client.get("/").status_code == 303


# CSRF ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    [None, "", "forged", "x" * 43],  # missing, empty, wrong, wrong of the right length
)
def test_a_change_without_the_right_token_is_403(
    client: TestClient, ws: Workspace, token: str | None
) -> None:
    logged_in(client, INSTRUCTOR)
    reply = mark(client, TA_PART, token)
    assert reply.status_code == 403
    assert "no valid CSRF token" in reply.json()["error"] and "reload" in reply.json()["error"]
    assert ws.store.events("s2024002", TA_PART) == []


def test_another_sessions_token_is_403(ws: Workspace, clock: Clock) -> None:
    with client_for(ws, clock) as ada, client_for(ws, clock) as bo:
        theirs = logged_in(bo, TA)
        logged_in(ada, INSTRUCTOR)
        assert mark(ada, TA_PART, theirs).status_code == 403


def test_a_form_post_may_carry_the_token_as_a_field(client: TestClient) -> None:
    token = logged_in(client, INSTRUCTOR)
    # The token is found in the form and the body passed on: marks still come as JSON only.
    reply = client.post(f"/part/{TA_PART}/mark", data={"csrf": token, "score": "1"})
    assert reply.status_code == 415


def test_every_page_carries_the_token_for_the_script(client: TestClient) -> None:
    token = logged_in(client, INSTRUCTOR)
    for url in ("/", f"/part/{TA_PART}", f"/answer/s2024001/{TA_PART}", "/part/IX.9"):
        assert meta_token(client.get(url).text) == token


def test_no_token_and_no_login_when_login_is_off(ws: Workspace) -> None:
    with TestClient(create_app(ws, who="me"), base_url="http://127.0.0.1") as plain:
        page = plain.get("/")
        assert page.status_code == 200 and "csrf-token" not in page.text
        assert 'id="logout"' not in page.text and plain.get("/login").status_code == 404
        assert mark(plain, TA_PART, None).status_code == 200
    assert ws.store.events("s2024002", TA_PART)[0].who == "me"


# roles ---------------------------------------------------------------------------------------


def test_a_ta_marks_an_assigned_part_audited_with_their_name(
    client: TestClient, ws: Workspace
) -> None:
    token = logged_in(client, TA)
    keys = list(cards(client.get(f"/part/{TA_PART}").text))
    reply = mark(client, TA_PART, token, student=keys[0])
    assert reply.status_code == 200, reply.text
    (event,) = [e for e in ws.store.events(address=TA_PART)]
    assert event.who == "bo" and event.new == '{"adjustment": 1}'


@pytest.mark.parametrize("action", ["mark", "undo"])
def test_a_ta_may_not_change_another_part(client: TestClient, ws: Workspace, action: str) -> None:
    token = logged_in(client, TA)
    body = {"answers": [{"student": "s2024001", "version": 0, "score": None}], "score": 1}
    reply = client.post(f"/part/{OTHER_PART}/{action}", json=body, headers={"x-csrf-token": token})
    assert reply.status_code == 403
    error = reply.json()["error"]
    assert f"{OTHER_PART} is not one of your parts as a TA (yours: {TA_PART})" in error
    assert "gradewise users assign bo" in error
    assert ws.store.events(address=OTHER_PART) == []


@pytest.mark.parametrize(
    "url, says",
    [
        (f"/part/{OTHER_PART}", "is not one of your parts"),  # another part's page
        (f"/answer/s2024001/{OTHER_PART}", "is not one of your parts"),  # its history
        ("/student/s2024001", "only instructors may use /student/s2024001"),  # any other route
        ("/nowhere", "only instructors may use /nowhere"),
    ],
)
def test_a_ta_may_not_view_other_parts(client: TestClient, url: str, says: str) -> None:
    logged_in(client, TA)
    page = client.get(url)
    assert page.status_code == 403 and says in page.text.replace("&#39;", "'")
    assert 'id="logout"' in page.text  # still logged in, and told so
    as_json = client.get(url, headers={"accept": "application/json"})
    assert as_json.status_code == 403 and says in as_json.json()["error"]


def test_a_ta_sees_the_queue_and_own_parts_anonymously(client: TestClient, ws: Workspace) -> None:
    logged_in(client, TA)
    assert client.get("/").status_code == 200
    part = client.get(f"/part/{TA_PART}")
    assert part.status_code == 200 and 'id="anonymous"' in part.text
    keys = list(cards(part.text))
    assert keys and all(k.startswith("anon-") for k in keys)
    for script in ws.store.scripts():
        assert script.student not in part.text and script.name not in part.text
    assert client.get(f"/answer/{keys[0]}/{TA_PART}").status_code == 200


def test_tas_may_be_shown_names(ws: Workspace, clock: Clock) -> None:
    with client_for(ws, clock, anonymous_for_ta=False) as client:
        logged_in(client, TA)
        assert "s2024001" in cards(client.get(f"/part/{TA_PART}").text)


def test_an_anonymous_run_hides_names_from_instructors_too(ws: Workspace, clock: Clock) -> None:
    access = auth.Access(hasher=CHEAP, clock=clock)
    app = create_app(ws, who="x", anonymous=True, access=access)
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as client:
        logged_in(client, INSTRUCTOR)
        page = client.get(f"/part/{TA_PART}").text
        assert all(k.startswith("anon-") for k in cards(page)) and "s2024001" not in page


def test_a_new_assignment_counts_at_once(client: TestClient, ws: Workspace) -> None:
    logged_in(client, TA)
    assert client.get(f"/part/{OTHER_PART}").status_code == 403
    Users(ws.store).assign(TA[0], [TA_PART, OTHER_PART], who="test")
    assert client.get(f"/part/{OTHER_PART}").status_code == 200


def test_an_instructor_may_do_everything(client: TestClient, ws: Workspace) -> None:
    token = logged_in(client, INSTRUCTOR)
    for url in ("/", f"/part/{TA_PART}", f"/part/{OTHER_PART}", f"/answer/s2024001/{OTHER_PART}"):
        assert client.get(url).status_code == 200, url
    assert "s2024001" in client.get(f"/part/{OTHER_PART}").text  # names are shown
    done = mark(client, OTHER_PART, token, student="s2024001")
    assert done.status_code == 200
    version = done.json()["answers"][0]["version"]
    body = {"answers": [{"student": "s2024001", "version": version, "mark": None}]}
    undo = client.post(f"/part/{OTHER_PART}/undo", json=body, headers={"x-csrf-token": token})
    assert undo.status_code == 200
    assert [e.who for e in ws.store.events("s2024001", OTHER_PART)] == ["ada", "ada"]
    assert client.get("/nowhere").status_code == 404  # past the login, the app's own 404


def test_refusal_truth_table() -> None:
    ta = auth.Viewer("bo", "ta", frozenset({"II.7.a"}), "t", True)
    boss = auth.Viewer("ada", "instructor", frozenset(), "t", False)
    rows = [
        (ta, "GET", "/", True),  # the queue
        (ta, "HEAD", "/part/II.7.a", True),  # HEAD is a GET
        (ta, "POST", "/part/II.7.a/mark", True),  # an assigned part
        (ta, "POST", "/part/II.7.b/mark", False),  # a neighbouring part
        (ta, "GET", "/part/II.7", False),  # the question above the part
        (ta, "POST", "/part/II.7.a", False),  # a method the route does not take
        (ta, "GET", "/part/II.7.a/rubric", False),  # a route added later: instructors only
        (ta, "POST", "/logout", True),  # everybody may leave
        (boss, "POST", "/part/anything/rubric", True),  # an instructor: everything
    ]
    for viewer, method, path, allowed in rows:
        assert (auth.refusal(viewer, method, path) is None) is allowed, (viewer.name, path)


# passwords -----------------------------------------------------------------------------------


def test_passwords_are_kept_as_argon2_hashes_only(ws: Workspace) -> None:
    rows = ws.store.db.execute("SELECT name, password_hash FROM users").fetchall()
    assert {n for n, _ in rows} == {"ada", "bo"}
    assert all(h.startswith("$argon2id$") for _, h in rows)
    ws.store.close()
    raw = b"".join(p.read_bytes() for p in ws.root.glob(f"{DB_FILE}*"))  # WAL included
    assert INSTRUCTOR[1].encode() not in raw and TA[1].encode() not in raw
    # The schema itself refuses a plain password.
    db = sqlite3.connect(ws.root / DB_FILE)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO users VALUES ('eve', 'ta', 'hunter22', '')")


def test_hash_and_verify() -> None:
    stored = hash_password("long enough", CHEAP)
    assert stored.startswith("$argon2id$") and "long enough" not in stored
    assert verify(stored, "long enough") and not verify(stored, "long enougH")
    assert not verify(None, "long enough")  # no user: no
    assert not verify("not a hash", "x")  # a broken hash: no, not an error
    assert not verify(stored, "x" * 2000)  # absurd lengths are not hashed


# the users commands --------------------------------------------------------------------------


def run(root: Path, *args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(cli, ["-w", str(root), "users", *args], input=input)


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    """An example workspace with no users."""
    return init_workspace(tmp_path / "bare", example=True)


def test_users_add_list_assign_remove(bare: Path) -> None:
    added = run(bare, "add", "ada", "--role", "instructor", "--password-stdin", input="s3cret pw\n")
    assert added.exit_code == 0, added.output
    assert "Added ada (instructor; parts: all)" in added.output
    ta = run(
        bare,
        "add",
        "bo",
        "--role",
        "ta",
        "--parts",
        "II.7.a,II.7.b",
        "--password-stdin",
        input="another pw\n",
    )
    assert ta.exit_code == 0 and "parts: II.7.a, II.7.b" in ta.output
    listed = json.loads(run(bare, "list", "--json").output)
    assert [(u["name"], u["role"], u["parts"]) for u in listed] == [
        ("ada", "instructor", []),
        ("bo", "ta", ["II.7.a", "II.7.b"]),
    ]
    assert "hash" not in json.dumps(listed) and "argon2" not in run(bare, "list").output
    moved = run(bare, "assign", "bo", "II.10.a")
    assert moved.exit_code == 0 and "bo grades II.10.a (was: II.7.a, II.7.b)" in moved.output
    assert run(bare, "remove", "bo").exit_code == 0
    assert [u["name"] for u in json.loads(run(bare, "list", "--json").output)] == ["ada"]
    ws = open_workspace(bare)
    kinds = [(e.kind, e.old, e.new) for e in ws.store.events()]
    assert kinds == [
        ("user.add", None, "ada (instructor)"),
        ("user.add", None, "bo (ta: II.7.a, II.7.b)"),
        ("user.assign", "bo (ta: II.7.a, II.7.b)", "bo (ta: II.10.a)"),
        ("user.remove", "bo (ta: II.10.a)", None),
    ]
    stored = Users(ws.store).get("ada")
    assert stored is not None and verify(stored.password_hash, "s3cret pw")


def test_users_add_asks_for_the_password_twice_hidden(bare: Path) -> None:
    added = run(bare, "add", "ada", "--role", "instructor", input="s3cret pw\ns3cret pw\n")
    assert added.exit_code == 0, added.output
    assert "s3cret pw" not in added.output  # hidden: not echoed
    assert "Repeat for confirmation" in added.output


def test_users_password_changes_it(bare: Path) -> None:
    run(bare, "add", "ada", "--role", "instructor", "--password-stdin", input="first pw!\n")
    changed = run(bare, "password", "ada", "--password-stdin", input="second pw\n")
    assert changed.exit_code == 0 and "New password set for ada" in changed.output
    ws = open_workspace(bare)
    user = Users(ws.store).get("ada")
    assert user is not None and verify(user.password_hash, "second pw")
    assert ws.store.events()[-1].kind == "user.password"


@pytest.mark.parametrize(
    "args, stdin, says",
    [
        (["add", "bo", "--role", "ta", "--parts", "IX.9"], "long enough", "IX.9"),  # no part
        (["add", "bo", "--role", "instructor", "--parts", "II.7.a"], "long enough", "TAs only"),
        (["add", "bo", "--role", "ta"], "short", "shorter than 8"),  # too short a password
        (["add", "bo", "--role", "ta"], "", "no password on stdin"),  # nothing piped
        (["add", "b o", "--role", "ta"], "long enough", "is not allowed"),  # a bad name
        (["add", "ada", "--role", "ta"], "long enough", "exists already"),  # a name taken
        (["add", "bo", "--role", "boss"], "long enough", "'boss' is not one of"),  # no role
        (["remove", "nobody"], None, "no user 'nobody'"),
        (["assign", "nobody", "II.7.a"], None, "no user 'nobody'"),
        (["assign", "ada", "II.7.a"], None, "instructor grades every part"),
        (["assign", "ada", ","], None, "no parts given"),
        (["password", "nobody", "--password-stdin"], "long enough", "no user 'nobody'"),
    ],
)
def test_users_errors_are_one_line_with_the_fix(
    bare: Path, args: list[str], stdin: str | None, says: str
) -> None:
    run(bare, "add", "ada", "--role", "instructor", "--password-stdin", input="s3cret pw\n")
    if stdin is not None and "--password-stdin" not in args and args[0] == "add":
        args = [*args, "--password-stdin"]
    result = run(bare, *args, input=None if stdin is None else stdin + "\n")
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert says in lines[-1], result.output
    assert [u.name for u in Users(open_workspace(bare).store).all()] == ["ada"]  # no change


# review serve --------------------------------------------------------------------------------


def serve(root: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["-w", str(root), "review", "serve", "--no-browser", *args])


@pytest.mark.parametrize(
    "args, says",
    [
        (["--host", "0.0.0.0"], "will not serve on 0.0.0.0: no instructor can log in yet"),
        (["--host", "192.168.1.10"], "will not serve on 192.168.1.10"),
        (["--login"], "will not serve with --login: no instructor can log in yet"),
    ],
)
def test_serve_with_login_needs_an_instructor(bare: Path, args: list[str], says: str) -> None:
    # A TA alone is not enough: nobody could oversee what they do.
    run(bare, "add", "bo", "--role", "ta", "--password-stdin", input="long enough\n")
    result = serve(bare, *args)
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert says in line and "gradewise users add NAME --role instructor" in line


def test_serve_on_another_address_requires_login(
    graded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: dict[str, Any] = {}

    def fake_serve(app: Any, sock: Any, **_: Any) -> None:
        served.update(app=app, address=sock.getsockname())
        sock.close()

    monkeypatch.setattr(server, "serve", fake_serve)
    result = serve(graded, "--host", "0.0.0.0", "--port", "0")
    assert result.exit_code == 0, result.output
    assert "with login (Ctrl-C stops)" in result.output and "plain HTTP" in result.output
    assert served["address"][0] == "0.0.0.0"
    # Reached by a name the server cannot know: let in, but only as far as the login form.
    with TestClient(served["app"], base_url="http://grading.lan:8000") as client:
        assert client.get("/", follow_redirects=False).status_code == 303
        assert client.get("/login").status_code == 200


def test_host_names_with_login() -> None:
    assert server.host_names("0.0.0.0", login=True) == ("*",)
    assert "*" not in server.host_names("127.0.0.1", login=True)  # loopback keeps its check


def cards(text: str) -> dict[str, str]:
    """The answer cards of a part page: data-answer → data-version."""
    return dict(re.findall(r'data-answer="([^"]+)" data-version="(\d+)"', text))


# in a real browser ---------------------------------------------------------------------------


@pytest.fixture
def login_server(graded: Path, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """`review serve --login` as a subprocess on a free loopback port."""
    root = shutil.copytree(graded, tmp_path / "served")
    with review_server(root, "--login") as (first, address):
        assert "with login" in first, first
        yield root, address


def test_a_ta_logs_in_marks_and_logs_out_in_a_browser(
    login_server: tuple[Path, str], page: Any
) -> None:
    root, address = login_server
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(address + f"part/{TA_PART}")
    assert "/login?next=" in page.url  # sent to the form first
    page.fill("input[name=name]", TA[0])
    page.fill("input[name=password]", TA[1])
    page.click("button[type=submit]")
    page.wait_for_url(address + f"part/{TA_PART}")
    card = page.locator("article[data-answer].current")
    key = str(card.get_attribute("data-answer"))
    assert key.startswith("anon-")  # a TA grades anonymously
    page.keyboard.press("Enter")  # the script sends the page's CSRF token with the mark
    page.locator("#status").filter(has_text="Accepted: 1 mark").wait_for()  # the proposal
    events = open_workspace(root).store.events(address=TA_PART)
    assert [e.who for e in events] == ["bo"]
    page.click("#logout button")
    page.wait_for_url(address + "login?why=out")
    page.goto(address)
    assert "/login?next=" in page.url
    assert not errors, errors
