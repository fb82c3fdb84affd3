"""Consultant pages at workspace scale: warm and first-view times and query counts over HTTP.

Builds one workspace through the app's own services — ``create_client``,
``create_assessment``, ``set_status`` and ``import_answers`` (the long answers CSV, written
by the app's own exporter from deterministic synthetic respondents), plus a few link
respondents added with ``add_respondents`` — at one of three sizes:

    S   10 clients x 2 assessments x 20 respondents
    M   50 clients x 2 assessments x 30 respondents
    L  200 clients x 2 assessments x 30 respondents (400 assessments, 12,000 respondents,
       ~950,000 answers)

The first assessment of each client is closed (a benchmark peer), the second stays open.
Then it serves the app from a separate process (Werkzeug, one thread, the questionnaire
models warmed the way ``saleshealth serve`` warms them) and requests each consultant page:

- **warm**: median of 5 requests after one warm-up request;
- **first view**: the first request to a freshly started server process (the session cookie
  comes from signing in on another process, so nothing on the page was computed before);
- **queries**: SQL statements the server ran for the request (BEGIN/COMMIT/PRAGMA not
  counted), from a counter installed by this script in the server process only.

    .venv/bin/python bench/bench_workspace.py [--size L] [--db sqlite|postgresql|both]
        [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test_scale_bench] [--dir DIR]
        [--reuse] [--json out.json]

``--reuse`` keeps the database built by an earlier run in ``--dir`` (SQLite) or at
``--pg-url`` (PostgreSQL) when it holds a workspace of the requested size.  The PostgreSQL
database given is emptied (schema ``public`` dropped) before building.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SECRET = "bench-workspace-secret-" + "x" * 40
EMAIL, PASSWORD = "owner@scale-bench.example", "bench password 123"
SIZES = {"S": (10, 2, 20), "M": (50, 2, 30), "L": (200, 2, 30)}
LINK_PEOPLE = 3  # per open assessment: invited through links, not started
INDUSTRIES = ("Distribution", "Software", "Manufacturing", "Financial services", "Retail")
SIZE_BANDS = ("11-50", "51-200", "201-1000", "1000+", "51-200")
CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
SKIPPED = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test_scale_bench"


def _config(url: str) -> dict[str, Any]:
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": SECRET,
        "RATELIMIT_ENABLED": False,
    }


def _make_app(url: str, instance: str) -> Any:
    from assessment.app import create_app

    return create_app(_config(url), instance_path=instance)


# --- building the workspace ---------------------------------------------------------------


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _existing_size(url: str) -> tuple[int, int] | None:
    """(clients, respondents) of an already built bench database, or None."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            clients = conn.execute(text("select count(*) from client")).scalar_one()
            people = conn.execute(
                text("select count(*) from respondent where origin = 'import'")
            ).scalar_one()
            return int(clients), int(people)
    except Exception:
        return None
    finally:
        engine.dispose()


def build(url: str, instance: str, size: str) -> dict[str, Any]:
    """Build the workspace through the services; returns what the measuring needs."""
    from assessment.cli.web_cmd import prepare_database
    from assessment.core.synthetic import synthetic_respondents
    from assessment.db.models import MemberRole
    from assessment.db.tenancy import bind_workspace
    from assessment.extensions import current_session
    from assessment.io.exports import ExportPerson, long_rows, to_csv
    from assessment.services import accounts
    from assessment.services.actor import Actor
    from assessment.services.api_tokens import create_token
    from assessment.services.assessments import AssessmentSettings, create_assessment, set_status
    from assessment.services.clients import ClientData, create_client
    from assessment.services.data_exchange import import_answers
    from assessment.services.questionnaires import model_of, publish_shipped
    from assessment.services.respondents import RespondentData, add_respondents

    n_clients, per_client, n_people = SIZES[size]
    app = _make_app(url, instance)
    prepare_database(app)
    started = time.perf_counter()
    with app.app_context():
        session = current_session()
        user = accounts.create_workspace_with_owner(
            session, "Scale Bench Consulting", "Bench Owner", EMAIL, PASSWORD
        )
        workspace_id = user.memberships[0].workspace_id
        bind_workspace(session, workspace_id)
        actor = Actor(user.id, workspace_id, MemberRole.OWNER)
        version = publish_shipped(session)
        q = model_of(version)
        for i in range(n_clients):
            client = create_client(
                session,
                actor,
                ClientData(
                    name=f"Client {i + 1:03d}",
                    industry=INDUSTRIES[i % len(INDUSTRIES)],
                    size_band=SIZE_BANDS[i % len(SIZE_BANDS)],
                    sales_motion="hybrid",
                ),
            )
            for j in range(per_client):
                assessment = create_assessment(
                    session,
                    actor,
                    client.id,
                    version.id,
                    AssessmentSettings(title=f"Health check {2025 + j}"),
                )
                set_status(session, actor, assessment.id, "open")
                people = synthetic_respondents(q, n_people, seed=1000 * i + j)
                csv = to_csv(long_rows(q, [ExportPerson(p) for p in people]))
                import_answers(session, actor, assessment.id, csv, "bench.csv", shape="long")
                if j == 0:
                    set_status(session, actor, assessment.id, "closed")
                else:
                    add_respondents(
                        session,
                        actor,
                        assessment.id,
                        [RespondentData(role="sales_rep") for _ in range(LINK_PEOPLE)],
                    )
            if (i + 1) % 20 == 0:
                print(
                    f"  built {i + 1}/{n_clients} clients ({time.perf_counter() - started:.0f} s)",
                    flush=True,
                )
        token = create_token(session, actor, "bench").secret
    _dispose(app)
    return {"token": token, "seconds": time.perf_counter() - started}


def _dispose(app: Any) -> None:
    from assessment.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _new_token(url: str, instance: str) -> str:
    """A fresh API token for a database built by an earlier run."""
    from sqlalchemy import select

    from assessment.db.models import MemberRole, Membership
    from assessment.db.tenancy import bind_workspace, unscoped
    from assessment.extensions import current_session
    from assessment.services.actor import Actor
    from assessment.services.api_tokens import create_token

    app = _make_app(url, instance)
    with app.app_context():
        session = current_session()
        with unscoped(session):
            m = session.scalar(select(Membership).order_by(Membership.id))
        assert m is not None
        bind_workspace(session, m.workspace_id)
        secret = create_token(session, Actor(m.user_id, m.workspace_id, MemberRole.OWNER), "bench")
    _dispose(app)
    return secret.secret


def _ids(url: str) -> dict[str, int]:
    """A client, its closed assessment (the results shown) and the open one."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        client = conn.execute(text("select min(id) from client")).scalar_one()
        closed = conn.execute(
            text("select min(id) from assessment where client_id = :c and status = 'CLOSED'"),
            {"c": client},
        ).scalar_one()
        opened = conn.execute(
            text("select min(id) from assessment where client_id = :c and status = 'OPEN'"),
            {"c": client},
        ).scalar_one()
    engine.dispose()
    return {"client": int(client), "closed": int(closed), "open": int(opened)}


# --- the server process -----------------------------------------------------------------


def serve(url: str, instance: str, port: int) -> None:
    """Run the app on ``port`` with a per-request query counter (``X-Query-Count``)."""
    from sqlalchemy import event
    from werkzeug.serving import make_server

    from assessment.db.tenancy import unscoped
    from assessment.extensions import current_session, db
    from assessment.services.questionnaires import warm_cache

    app = _make_app(url, instance)
    with app.app_context():
        with unscoped(current_session()) as session:
            warm_cache(session)  # as `saleshealth serve` does in each worker
            session.close()
        engine = db.engine
    count = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(SKIPPED):
            count[0] += 1

    inner = app.wsgi_app

    def counting(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        count[0] = 0
        captured: list[Any] = []

        def _start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured[:] = [status, headers, exc_info]
            return lambda data: None

        result = inner(environ, _start)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers, exc_info = captured
        start_response(status, [*headers, ("X-Query-Count", str(count[0]))], exc_info)
        return [body]

    app.wsgi_app = counting  # type: ignore[method-assign]
    server = make_server("127.0.0.1", port, app, threaded=False)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print("ready", flush=True)
    server.serve_forever()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A server process of this script (``--serve``), stopped on exit."""

    def __init__(self, url: str, instance: str) -> None:
        self.port = _free_port()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", url, "--dir", instance, "--port", str(self.port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            self.stop()
            raise RuntimeError("the bench server did not start")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# --- the HTTP client --------------------------------------------------------------------


class Browser:
    """Cookies kept across servers (same secret key), so a fresh process sees a signed-in user."""

    def __init__(self) -> None:
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, int, float]:
        """Status, body, query count and seconds of one GET."""
        request = urllib.request.Request(url, headers=headers or {})
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=300) as res:
                body = res.read()
                status, queries = res.status, int(res.headers.get("X-Query-Count", "-1"))
        except urllib.error.HTTPError as exc:
            body, status = exc.read(), exc.code
            queries = int(exc.headers.get("X-Query-Count", "-1"))
        return status, body, queries, time.perf_counter() - started

    def sign_in(self, base: str) -> None:
        _status, page, _q, _t = self.get(base + "/login")
        match = CSRF.search(page.decode())
        assert match, "no sign-in form"
        data = urllib.parse.urlencode(
            {"csrf_token": match.group(1), "email": EMAIL, "password": PASSWORD}
        ).encode()
        request = urllib.request.Request(base + "/login", data=data)
        with self.opener.open(request, timeout=60) as res:
            assert "/login" not in res.url, "sign-in failed"


@dataclass
class PageFigures:
    name: str
    path: str
    warm_ms: float
    first_ms: float
    queries: int
    first_queries: int
    kb: float


def pages(ids: dict[str, int]) -> list[tuple[str, str, bool]]:
    """(name, path, needs the API token) of every page measured."""
    closed = ids["closed"]
    return [
        ("dashboard", "/", False),
        ("clients list", "/clients/", False),
        ("client page", f"/clients/{ids['client']}", False),
        ("assessment page", f"/assessments/{ids['open']}", False),
        ("results page", f"/assessments/{closed}/results", False),
        ("export page", f"/assessments/{closed}/data", False),
        ("export (long CSV)", f"/api/v1/assessments/{closed}/exports/responses", True),
        ("API results", f"/api/v1/assessments/{closed}/results", True),
    ]


def measure(url: str, instance: str, token: str, repeats: int = 5) -> list[PageFigures]:
    """Warm (median of ``repeats`` after a warm-up) and first-view figures per page."""
    ids = _ids(url)
    browser = Browser()
    out: list[PageFigures] = []
    firsts: dict[str, tuple[float, int]] = {}
    auth = {"Authorization": f"Bearer {token}"}
    signer = Server(url, instance)
    try:
        browser.sign_in(signer.base)
    finally:
        signer.stop()
    for name, path, api in pages(ids):
        server = Server(url, instance)
        try:
            status, _body, queries, seconds = browser.get(server.base + path, auth if api else None)
            assert status == 200, (name, status)
            firsts[name] = (seconds * 1000, queries)
        finally:
            server.stop()
    server = Server(url, instance)
    try:
        for name, path, api in pages(ids):
            headers = auth if api else None
            browser.get(server.base + path, headers)  # warm-up
            times, counts, size = [], [], 0
            for _ in range(repeats):
                status, body, queries, seconds = browser.get(server.base + path, headers)
                assert status == 200, (name, status)
                times.append(seconds * 1000)
                counts.append(queries)
                size = len(body)
            first_ms, first_queries = firsts[name]
            out.append(
                PageFigures(
                    name,
                    path,
                    statistics.median(times),
                    first_ms,
                    max(counts),
                    first_queries,
                    size / 1024,
                )
            )
    finally:
        server.stop()
    return out


def _print(label: str, figures: list[PageFigures]) -> None:
    print(f"\n{label}")
    print(f"{'page':<20} {'warm ms':>8} {'first ms':>9} {'queries':>8} {'first q':>8} {'KB':>7}")
    for f in figures:
        print(
            f"{f.name:<20} {f.warm_ms:>8.0f} {f.first_ms:>9.0f} {f.queries:>8d} "
            f"{f.first_queries:>8d} {f.kb:>7.0f}"
        )


def _sqlite_facts(path: Path) -> str:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        answers = conn.execute("select count(*) from answer").fetchone()[0]
        people = conn.execute("select count(*) from respondent").fetchone()[0]
        assessments = conn.execute("select count(*) from assessment").fetchone()[0]
    finally:
        conn.close()
    mb = path.stat().st_size / 2**20
    return f"{assessments} assessments, {people} respondents, {answers} answers, {mb:.0f} MB"


def run(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    instance = str(Path(args.dir) / kind)
    Path(instance).mkdir(parents=True, exist_ok=True)
    if kind == "sqlite":
        db_path = Path(instance) / "bench.sqlite"
        url = f"sqlite:///{db_path}"
    else:
        url = args.pg_url
    n_clients, _per, n_people = SIZES[args.size]
    existing = _existing_size(url) if args.reuse else None
    wanted = (n_clients, n_clients * _per * n_people)
    built_s = None
    if existing == wanted:
        print(f"{kind}: reusing the {args.size} workspace in {url}", flush=True)
        from assessment.cli.web_cmd import prepare_database

        app = _make_app(url, instance)
        prepare_database(app)  # an older build gets this branch's migrations
        _dispose(app)
        token = _new_token(url, instance)
    else:
        if kind == "sqlite" and db_path.exists():
            for suffix in ("", "-wal", "-shm"):
                Path(str(db_path) + suffix).unlink(missing_ok=True)
        if kind == "postgresql":
            _reset_postgres(url)
        print(f"{kind}: building {args.size} {SIZES[args.size]} ...", flush=True)
        built = build(url, instance, args.size)
        token, built_s = built["token"], built["seconds"]
        print(f"{kind}: built in {built_s:.0f} s", flush=True)
    figures = measure(url, instance, token, args.repeats)
    facts = _sqlite_facts(db_path) if kind == "sqlite" else url.rsplit("@", 1)[-1]
    _print(f"{kind} — size {args.size} {SIZES[args.size]} — {facts}", figures)
    return {
        "database": kind,
        "size": args.size,
        "facts": facts,
        "build_seconds": built_s,
        "pages": [f.__dict__ for f in figures],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="L")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--dir", default=None, help="where the SQLite file and instance live")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", default=None)
    parser.add_argument("--serve", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.dir, args.port)
        return
    args.dir = args.dir or tempfile.mkdtemp(prefix="bench-workspace-")
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results = [run(kind, args) for kind in kinds]
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
