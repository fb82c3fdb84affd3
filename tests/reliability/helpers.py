"""Shared pieces of the reliability tests: a populated database, real server processes and a
small cookie-keeping HTTP client (the tests talk to gunicorn over loopback, like a browser)."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask

from tests import databases

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECRET = "reliability-secret-" + "k" * 32
OWNER_EMAIL = "olga@acme-consulting.eu"
OWNER_PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
RK = re.compile(r'name="rk" value="([^"]+)"')
RADIO = re.compile(r'type="radio" name="([a-z0-9_.]+)" value="([a-z0-9_]+)"')
NUMBER = re.compile(r'name="([a-z0-9_.]+)" data-min="([0-9.]+)" data-max="([0-9.]+)"')


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_app(url: str, instance: Path, **config: Any) -> Flask:
    """An app on ``url`` with the schema migrated to head and the questionnaire published.

    A SQLite file that does not exist yet is a copy of the session's migrated template
    (:mod:`tests.databases`); any other database is migrated in place.
    """
    from assessment.app import create_app
    from assessment.cli.web_cmd import prepare_database

    new_sqlite_file = url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :]).exists()
    if new_sqlite_file:
        databases.fresh_database(url)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            **config,
        },
        instance_path=str(instance),
    )
    if not new_sqlite_file:
        prepare_database(app)
    return app


def dispose(app: Flask) -> None:
    """Close every pooled connection of an app (before servers or restores touch the file)."""
    from assessment.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def reset_postgres(url: str) -> None:
    """An empty public schema in the PostgreSQL database of ``url``."""
    databases.reset_postgres(url)


@dataclass
class Scenario:
    """What :func:`populate` created."""

    open_assessment_id: int
    demo_assessment_id: int
    tokens: list[str]
    respondent_ids: list[int]
    report_job_id: int


def populate(
    app: Flask, respondents: int = 8, *, pages_saved: int = 2, submitted: int = 2
) -> Scenario:
    """Owner, a demo client with 30 answered respondents, an open assessment with personal
    links (some respondents part-way with comments, some submitted) and a finished report job.
    """
    from sqlalchemy import select

    from assessment.db import write_transaction
    from assessment.db.models import Assessment, MemberRole, ReportJob
    from assessment.db.tenancy import bind_workspace
    from assessment.extensions import current_session
    from assessment.services import accounts, responding
    from assessment.services.actor import Actor
    from assessment.services.assessments import AssessmentSettings, create_assessment, set_status
    from assessment.services.clients import ClientData, create_client
    from assessment.services.demo import load_demo
    from assessment.services.questionnaires import model_of, publish_shipped
    from assessment.services.respondents import RespondentData, add_respondents

    with app.app_context():
        s = current_session()
        user = accounts.create_workspace_with_owner(
            s, "Acme Consulting", "Olga Owner", OWNER_EMAIL, OWNER_PASSWORD
        )
        load_demo(s, 30)
        bind_workspace(s, 1)
        actor = Actor(user.id, 1, MemberRole.OWNER)
        demo_id = s.scalar(select(Assessment.id).where(Assessment.is_demo.is_(True)))
        assert demo_id is not None
        version = publish_shipped(s)
        client = create_client(
            s, actor, ClientData(name="Northwind Distribution", industry="Wholesale")
        )
        a = create_assessment(
            s, actor, client.id, version.id, AssessmentSettings(title="Q1 health check")
        )
        set_status(s, actor, a.id, "open")
        roles = ["sales_rep", "sales_rep", "sales_manager", "executive", "sales_ops"]
        issued = add_respondents(
            s,
            actor,
            a.id,
            [RespondentData(role=roles[i % 5], name=f"Person {i}") for i in range(respondents)],
        )
        ids = [link.respondent.id for link in issued]
        q = model_of(version)
        for index, (rid, link) in enumerate(zip(ids, issued, strict=True)):
            pages = responding.pages_for(q, link.respondent.role)
            for page in pages[:pages_saved]:
                raw = {question.id: _valid_value(question, index) for question in page.questions}
                errors = responding.save_page(
                    s, rid, page, raw, f"comment {index} on {page.element.id}", "en"
                )
                assert not errors, errors
            if index < submitted:
                responding.submit(s, rid)
        job = ReportJob(assessment_id=demo_id, language="en", status="done", pages=1)
        with write_transaction(s):
            s.add(job)
            job.pdf = b"%PDF-1.7 reliability fixture"
        scenario = Scenario(a.id, demo_id, [link.token for link in issued], ids, job.id)
        s.close()
    dispose(app)
    return scenario


def _valid_value(question: Any, seed: int) -> str:
    """A valid raw answer for any question type (varied by ``seed``)."""
    if question.type == "number":
        lo, hi = (question.range.min, question.range.max) if question.range else (0.0, 100.0)
        return f"{lo + (hi - lo) * ((seed % 5) + 1) / 6:g}"
    if question.options:
        return str(question.options[seed % len(question.options)].value)
    return f"text answer {seed}"


@dataclass
class Http:
    """A browser-like client of one origin: keeps cookies, parses CSRF tokens."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 60

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        port: int | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """One request; returns status, headers (lower-case names) and body."""
        conn = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=self.timeout)
        hdrs = dict(headers or {})
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=hdrs)
            res = conn.getresponse()
            data = res.read()
        finally:
            conn.close()
        for raw in res.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = raw.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return res.status, {k.lower(): v for k, v in res.getheaders()}, data

    def get(self, path: str, port: int | None = None) -> tuple[int, dict[str, str], str]:
        """GET a page as text."""
        status, headers, data = self.request("GET", path, port=port)
        return status, headers, data.decode("utf-8", "replace")

    def post_form(
        self, path: str, fields: dict[str, str], port: int | None = None
    ) -> tuple[int, dict[str, str], str]:
        """POST an urlencoded form."""
        body = urllib.parse.urlencode(fields).encode()
        status, headers, data = self.request(
            "POST",
            path,
            body,
            {"Content-Type": "application/x-www-form-urlencoded"},
            port=port,
        )
        return status, headers, data.decode("utf-8", "replace")

    def post_json(
        self, path: str, payload: dict[str, Any], csrf: str, port: int | None = None
    ) -> tuple[int, dict[str, Any]]:
        """POST JSON with the CSRF header (what autosave.js does)."""
        status, _headers, data = self.request(
            "POST",
            path,
            json.dumps(payload).encode(),
            {"Content-Type": "application/json", "X-CSRFToken": csrf},
            port=port,
        )
        try:
            parsed = json.loads(data or b"{}")
        except ValueError:
            parsed = {"raw": data[:200].decode("utf-8", "replace")}
        return status, parsed

    def login(self, email: str = OWNER_EMAIL, password: str = OWNER_PASSWORD) -> None:
        """Sign in through the login form."""
        _status, _h, page = self.get("/login")
        token = TOKEN.search(page)
        assert token, page[:500]
        status, _headers, body = self.post_form(
            "/login", {"csrf_token": token.group(1), "email": email, "password": password}
        )
        assert status == 302, (status, body[:500])


def page_answers(page: str, seed: int = 0) -> dict[str, str]:
    """Valid answers for every question on a respondent page (chosen from its form)."""
    answers: dict[str, str] = {}
    choices: dict[str, list[str]] = {}
    for name, value in RADIO.findall(page):
        if value not in ("na", "dk"):
            choices.setdefault(name, []).append(value)
    for name, values in choices.items():
        answers[name] = values[(seed + len(name)) % len(values)]
    for name, lo, hi in NUMBER.findall(page):
        answers[name] = f"{float(lo) + (float(hi) - float(lo)) * ((seed % 4) + 1) / 5:g}"
    return answers


class Server:
    """A gunicorn process group serving the app; started, killed and restarted by tests."""

    def __init__(self, args: list[str], env: dict[str, str], port: int, log: Path) -> None:
        self.args, self.env, self.port, self.log = args, env, port, log
        self.proc: subprocess.Popen[bytes] | None = None

    @classmethod
    def saleshealth(cls, env: dict[str, str], port: int, log: Path, workers: int = 2) -> Server:
        """``saleshealth serve`` (migrates, then gunicorn with gthread workers)."""
        args = [str(BIN / "saleshealth"), "serve", "--port", str(port), "--workers", str(workers)]
        return cls(args, env, port, log)

    @classmethod
    def gunicorn(
        cls, env: dict[str, str], port: int, log: Path, config: Path, workers: int = 2
    ) -> Server:
        """gunicorn directly with a config file (for test-only server hooks)."""
        args = [
            str(BIN / "gunicorn"),
            "--config",
            str(config),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--timeout",
            "60",
            "assessment.app:create_app()",
        ]
        return cls(args, env, port, log)

    def start(self, timeout: float = 60) -> None:
        """Start and wait until the login page answers."""
        with self.log.open("ab") as fh:
            self.proc = subprocess.Popen(
                self.args,
                env=self.env,
                cwd=ROOT,
                stdout=fh,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited: {self.log.read_text()[-3000:]}")
            try:
                status, _h, _b = Http(self.port, timeout=5).get("/login")
                if status in (200, 302):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"server did not start: {self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL the whole server: master and every worker at once."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        """Graceful stop (SIGTERM), then SIGKILL if it hangs."""
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """Environment for a server process on ``database_url`` (no Redis unless given)."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET}
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env
