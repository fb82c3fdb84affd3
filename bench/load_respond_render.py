"""Autosave under contention while PDFs render: 100 concurrent respondents on loopback.

Starts `saleshealth serve` (gunicorn) on a fresh SQLite database with an open assessment (one
link per simulated respondent) and a demo assessment with 30 answered respondents.  Every
respondent opens its link and works through its pages: GET the page, autosave each answer
(JSON POST, like autosave.js) and a comment, and every third page posts the whole form instead
(the no-JavaScript path); at the end it submits.  Meanwhile a consultant signs in and requests
PDF reports of the demo assessment one after another (rendered off the request path by the
in-process runner, or by `saleshealth worker` processes with --redis), polls their status and
downloads each PDF.

Afterwards it checks: no error replies, no "database is locked" in any reply or in the server
log, every answer that got a success reply is in the database with the value last acknowledged,
every acknowledged submission is recorded.  Prints p50/p95/p99 per request kind and throughput;
--json writes the figures.  Exit status 1 when a check fails.

    .venv/bin/python bench/load_respond_render.py [--respondents 100] [--pages 4] [--think 1.0]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_respond import NUMBER, RADIO, Respondent, percentile, setup_assessment

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
RK = re.compile(r'name="rk" value="([^"]+)"')
OWNER = ("bench@bench-example.eu", "bench password 1")


class AnsweringRespondent(Respondent):
    """A respondent who autosaves, sometimes posts whole pages, comments and submits.

    Every reply that confirms a save is recorded, so the database can be checked afterwards.
    Requests of one respondent are sequential, so the last acknowledged value is the final one.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.acked: dict[str, str] = {}
        self.comments: dict[str, str] = {}
        self.submitted = False

    def run(self) -> None:
        try:
            self.request("open link", "GET", f"/r/{self.token}")
            for number in range(1, self.pages + 1):
                status, page = self.request("GET page", "GET", f"/respond/page/{number}")
                match, rk = CSRF.search(page), RK.search(page)
                if status != 200 or not match or not rk:
                    self.errors.append(f"no form on page {number} (HTTP {status})")
                    return
                csrf = match.group(1)
                answers = self._answers(page)
                if number % 3 == 0:
                    self._post_page(number, csrf, rk.group(1), answers)
                else:
                    self._autosave(csrf, answers, number)
            status, review = self.request("GET review", "GET", "/respond/review")
            match = CSRF.search(review)
            if not match:
                self.errors.append(f"no submit form on the review page (HTTP {status})")
                return
            status, _page = self.request(
                "POST submit",
                "POST",
                "/respond/submit",
                f"csrf_token={match.group(1)}".encode(),
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
            self.submitted = status == 302
        except Exception as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")

    def _answers(self, page: str) -> dict[str, str]:
        answers: dict[str, str] = {}
        choices: dict[str, list[str]] = {}
        for name, value in RADIO.findall(page):
            if value not in ("na", "dk"):
                choices.setdefault(name, []).append(value)
        for name, values in choices.items():
            answers[name] = self.rng.choice(values)
        for name, lo, hi in NUMBER.findall(page):
            answers[name] = f"{self.rng.uniform(float(lo), float(hi)):.1f}"
        return answers

    def _autosave(self, csrf: str, answers: dict[str, str], number: int) -> None:
        headers = {"Content-Type": "application/json", "X-CSRFToken": csrf}
        for qid, value in answers.items():
            body = json.dumps({"question": qid, "value": value}).encode()
            status, data = self.request("POST answer", "POST", "/respond/answer", body, headers)
            if status == 200 and json.loads(data).get("saved") is True:
                self.acked[qid] = value
        element = next(iter(answers), "").split(".", 1)[0]
        if element:
            text = f"autosaved comment {self.token[:6]} page {number}"
            body = json.dumps({"comment": element, "value": text}).encode()
            status, data = self.request("POST comment", "POST", "/respond/answer", body, headers)
            if status == 200 and json.loads(data).get("saved") is True:
                self.comments[element] = text

    def _post_page(self, number: int, csrf: str, rk: str, answers: dict[str, str]) -> None:
        from urllib.parse import urlencode

        form = {"csrf_token": csrf, "rk": rk, "go": "next", **answers}
        status, _data = self.request(
            "POST page",
            "POST",
            f"/respond/page/{number}",
            urlencode(form).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status == 302:
            self.acked.update(answers)


class Consultant(Respondent):
    """Signs in and renders PDF reports of one assessment back to back until told to stop."""

    def __init__(
        self,
        port: int,
        assessment_id: int,
        results: dict[str, list[float]],
        errors: list[str],
        stop: threading.Event,
    ) -> None:
        super().__init__(port, "", 0, results, errors, 0.0, 0)
        self.assessment_id, self.stop = assessment_id, stop
        self.renders: list[float] = []
        self.pdf_pages: list[int] = []

    def run(self) -> None:
        try:
            _status, page = self.request("GET login", "GET", "/login")
            token = CSRF.search(page)
            assert token, "no login form"
            from urllib.parse import urlencode

            status, _page = self.request(
                "POST login",
                "POST",
                "/login",
                urlencode(
                    {"csrf_token": token.group(1), "email": OWNER[0], "password": OWNER[1]}
                ).encode(),
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
            if status != 302:
                self.errors.append(f"login failed: HTTP {status}")
                return
            while not self.stop.is_set():
                self._render_once()
        except Exception as exc:
            self.errors.append(f"consultant: {type(exc).__name__}: {exc}")

    def _render_once(self) -> None:
        base = f"/assessments/{self.assessment_id}"
        _status, page = self.request("GET results", "GET", f"{base}/results")
        token = CSRF.search(page)
        if not token:
            self.errors.append("no report form on the results page")
            self.stop.wait(1)
            return
        start = time.perf_counter()
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(
            "POST",
            f"{base}/report",
            body=f"csrf_token={token.group(1)}&language=en".encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie},
        )
        res = conn.getresponse()
        res.read()
        location = res.getheader("Location") or ""
        conn.close()
        self.results.setdefault("POST report", []).append(time.perf_counter() - start)
        if res.status != 302 or "/report/" not in location:
            self.errors.append(f"report request: HTTP {res.status}")
            return
        path = "/" + location.split("/", 3)[3] if location.startswith("http") else location
        # A PDF already rendered from the same data is answered with its download address
        # (the report cache); its status says "done" at once.
        path = path.removesuffix("/download")
        while True:
            _status, data = self.request("GET report status", "GET", f"{path}/status")
            state = json.loads(data)
            if state["status"] == "done":
                break
            if state["status"] == "failed":
                self.errors.append(f"report failed: {state.get('error')}")
                return
            time.sleep(0.5)
        self.renders.append(time.perf_counter() - start)
        self.pdf_pages.append(int(state.get("pages") or 0))
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        t0 = time.perf_counter()
        conn.request("GET", f"{path}/download", headers={"Cookie": self.cookie})
        res = conn.getresponse()
        pdf = res.read()
        conn.close()
        self.results.setdefault("GET pdf", []).append(time.perf_counter() - t0)
        if res.status != 200 or not pdf.startswith(b"%PDF"):
            self.errors.append(f"report download: HTTP {res.status}")


def _demo_assessment(db_url: str) -> int:
    """Load the demo client (30 answered respondents) into the bench workspace."""
    from sqlalchemy import select

    from assessment.app import create_app
    from assessment.db.models import Assessment
    from assessment.db.tenancy import unscoped
    from assessment.extensions import current_session
    from assessment.services.demo import load_demo

    os.environ["DATABASE_URL"] = db_url
    app = create_app()
    with app.app_context():
        session = current_session()
        load_demo(session, 30)
        with unscoped(session):
            found = session.scalar(select(Assessment.id).where(Assessment.is_demo.is_(True)))
        assert found is not None
        return int(found)


def verify(database: Path, people: list[AnsweringRespondent]) -> list[str]:
    """Every acknowledged answer, comment and submission is in the database."""
    from assessment.services.respondents import hash_token

    problems: list[str] = []
    with sqlite3.connect(database) as conn:
        for person in people:
            row = conn.execute(
                "SELECT id, submitted_at FROM respondent WHERE token_hash = ?",
                (hash_token(person.token),),
            ).fetchone()
            if row is None:
                problems.append(f"respondent {person.token[:6]} missing")
                continue
            rid, submitted_at = row
            stored = {
                qid: (text, number)
                for qid, text, number in conn.execute(
                    "SELECT question_id, value_text, value_number FROM answer "
                    "WHERE respondent_id = ?",
                    (rid,),
                )
            }
            for qid, value in person.acked.items():
                text, number = stored.get(qid, (None, None))
                if text != value and (number is None or abs(number - float(value)) > 1e-9):
                    problems.append(f"respondent {rid}: {qid} = {value} acknowledged, not stored")
            comments = dict(
                conn.execute(
                    "SELECT element_id, text FROM element_comment WHERE respondent_id = ?", (rid,)
                ).fetchall()
            )
            for element, text in person.comments.items():
                if comments.get(element) != text:
                    problems.append(f"respondent {rid}: comment on {element} lost")
            if person.submitted and submitted_at is None:
                problems.append(f"respondent {rid}: acknowledged submission not recorded")
    return problems


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run the whole load and return the figures (and the problems found)."""
    folder = Path(args.folder or tempfile.mkdtemp(prefix="load-respond-render-"))
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "load.sqlite"
    db_url = f"sqlite:///{database}"
    os.environ.setdefault("SECRET_KEY", "load-" + "s" * 40)
    tokens = setup_assessment(db_url, args.respondents)
    demo_id = _demo_assessment(db_url)
    env = {**os.environ, "DATABASE_URL": db_url}
    env.pop("REDIS_URL", None)
    if args.redis:
        env["REDIS_URL"] = args.redis
    log = folder / "server.log"
    exe = str(Path(sys.executable).with_name("saleshealth"))
    with log.open("wb") as fh:
        server = subprocess.Popen(
            [exe, "serve", "--port", str(args.port), "--workers", str(args.workers)],
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    workers: list[subprocess.Popen[bytes]] = []
    if args.redis:
        from redis import Redis

        Redis.from_url(args.redis).flushdb()
        with log.open("ab") as fh:
            workers = [
                subprocess.Popen([exe, "worker"], env=env, stdout=fh, stderr=subprocess.STDOUT)
                for _ in range(args.render_workers)
            ]
    results: dict[str, list[float]] = {}
    errors: list[str] = []
    stop = threading.Event()
    try:
        import http.client

        for _ in range(600):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request(
                    "GET", "/login"
                )
                break
            except OSError:
                time.sleep(0.1)
        people = [
            AnsweringRespondent(args.port, t, args.pages, results, errors, args.think, i)
            for i, t in enumerate(tokens)
        ]
        consultants = [
            Consultant(args.port, demo_id, results, errors, stop) for _ in range(args.renderers)
        ]
        start = time.perf_counter()
        for c in consultants:
            c.start()
        for p in people:
            p.start()
        for p in people:
            p.join()
        wall = time.perf_counter() - start
        stop.set()
        for c in consultants:
            c.join(timeout=300)
    finally:
        server.terminate()
        server.wait(timeout=60)
        for w in workers:
            w.terminate()
            w.wait(timeout=60)
    log_text = log.read_text(errors="replace")
    problems = verify(database, people)
    if "database is locked" in log_text:
        problems.append("'database is locked' in the server log")
    if "Traceback" in log_text:
        problems.append("a traceback in the server log")
    consultant_kinds = (
        "GET login",
        "POST login",
        "GET results",
        "POST report",
        "GET report status",
        "GET pdf",
    )
    respondent_kinds = [k for k in results if k not in consultant_kinds]
    total = sum(len(v) for v in results.values())
    figures: dict[str, Any] = {
        "respondents": args.respondents,
        "pages": args.pages,
        "think_s": args.think,
        "workers": args.workers,
        "renderer": "rq" if args.redis else "in-process",
        "cores": os.cpu_count(),
        "wall_s": round(wall, 1),
        "requests": total,
        "throughput_rps": round(total / wall, 1),
        "kinds": {
            kind: {
                "count": len(v),
                "p50_ms": round(statistics.median(v) * 1000, 1),
                "p95_ms": round(percentile(v, 95) * 1000, 1),
                "p99_ms": round(percentile(v, 99) * 1000, 1),
                "max_ms": round(max(v) * 1000, 1),
            }
            for kind, v in results.items()
        },
        "respondent_requests": sum(len(results[k]) for k in respondent_kinds),
        "respondent_rps": round(sum(len(results[k]) for k in respondent_kinds) / wall, 1),
        "acknowledged_answers": sum(len(p.acked) for p in people),
        "acknowledged_comments": sum(len(p.comments) for p in people),
        "submitted": sum(1 for p in people if p.submitted),
        "pdfs_rendered": sum(len(c.renders) for c in consultants),
        "pdf_render_s": [round(x, 1) for x in (r for c in consultants for r in c.renders)],
        "errors": errors,
        "locked_replies": sum(1 for e in errors if "database is locked" in e),
        "problems": problems,
        "log": str(log),
    }
    return figures


def report(figures: dict[str, Any]) -> None:
    """Print the figures as a table."""
    print(
        f"saleshealth serve (gunicorn, {figures['workers']} workers x 4 threads) on SQLite, "
        f"{figures['cores']} cores; {figures['respondents']} concurrent respondents, "
        f"{figures['pages']} pages each, think time {figures['think_s']:g} s; "
        f"PDF rendering: {figures['renderer']}"
    )
    print(f"{'request':<18} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>9}")
    for kind, k in figures["kinds"].items():
        print(
            f"{kind:<18} {k['count']:>6} {k['p50_ms']:>8.1f} {k['p95_ms']:>8.1f} "
            f"{k['p99_ms']:>8.1f} {k['max_ms']:>9.1f}"
        )
    print(
        f"throughput: {figures['throughput_rps']} requests/s ({figures['requests']} requests "
        f"in {figures['wall_s']} s); PDFs rendered meanwhile: {figures['pdfs_rendered']} "
        f"(seconds each: {figures['pdf_render_s']})"
    )
    print(
        f"acknowledged: {figures['acknowledged_answers']} answers, "
        f"{figures['acknowledged_comments']} comments, {figures['submitted']} submissions"
    )
    print(
        f"errors: {len(figures['errors'])}; 'database is locked' replies: "
        f"{figures['locked_replies']}; problems after the run: {len(figures['problems'])}"
    )
    for line in (figures["errors"] + figures["problems"])[:15]:
        print("  ", line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--respondents", type=int, default=100)
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between requests (s)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--renderers", type=int, default=1, help="consultants rendering PDFs")
    parser.add_argument("--redis", default="", help="render with RQ workers on this Redis URL")
    parser.add_argument("--render-workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=5079)
    parser.add_argument("--folder", default="", help="where the database and log go")
    parser.add_argument("--json", default="", help="also write the figures to this file")
    args = parser.parse_args()
    figures = run(args)
    report(figures)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    rendered = figures["pdfs_rendered"] > 0 or args.renderers == 0
    ok = not figures["errors"] and not figures["problems"] and rendered
    print("checks:", "passed" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
