"""Respondent pages under load: 50 concurrent simulated respondents against `saleshealth serve`.

Starts the real server (gunicorn) on a fresh SQLite database, creates an open assessment
with one personal link per simulated respondent, then each respondent opens its link and
works through the pages: GET a page, POST (autosave) every answer on it, pausing a random
"think time" (uniform 0.5x-1.5x of --think seconds; a person takes far longer) between
requests.  --think 0 makes every respondent fire requests back to back: a stress test that
measures the saturation throughput of the 2-core machine rather than a respondent's wait.
Prints p50/p95/p99 latency per request kind, throughput and errors.
Target (issue 3): p95 <= 100 ms and zero errors.

    .venv/bin/python bench/bench_respond.py [--respondents 50] [--pages 4] [--think 1.0]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
RADIO = re.compile(r'type="radio" name="([a-z0-9_.]+)" value="([a-z0-9_]+)"')
NUMBER = re.compile(r'name="([a-z0-9_.]+)" data-min="([0-9.]+)" data-max="([0-9.]+)"')


def setup_assessment(db_url: str, n: int) -> list[str]:
    """Create workspace, client, open assessment and n respondents; return link tokens."""
    os.environ["DATABASE_URL"] = db_url
    from assessment.app import create_app
    from assessment.cli.web_cmd import prepare_database
    from assessment.db.models import MemberRole
    from assessment.db.tenancy import bind_workspace
    from assessment.extensions import current_session
    from assessment.services import accounts
    from assessment.services.actor import Actor
    from assessment.services.assessments import AssessmentSettings, create_assessment, set_status
    from assessment.services.clients import ClientData, create_client
    from assessment.services.questionnaires import publish_shipped
    from assessment.services.respondents import RespondentData, add_respondents

    app = create_app()
    prepare_database(app)
    with app.app_context():
        s = current_session()
        accounts.create_workspace_with_owner(
            s, "Bench", "Bench", "bench@bench-example.eu", "bench password 1"
        )
        bind_workspace(s, 1)
        actor = Actor(1, 1, MemberRole.OWNER)
        version = publish_shipped(s)
        client = create_client(s, actor, ClientData(name="Bench client"))
        a = create_assessment(s, actor, client.id, version.id, AssessmentSettings(title="Bench"))
        set_status(s, actor, a.id, "open")
        roles = ["sales_rep", "sales_rep", "sales_manager", "executive", "sales_ops"]
        issued = add_respondents(
            s, actor, a.id, [RespondentData(role=roles[i % 5]) for i in range(n)]
        )
        return [link.token for link in issued]


class Respondent(threading.Thread):
    """One simulated respondent with its own connection and cookie."""

    def __init__(
        self,
        port: int,
        token: str,
        pages: int,
        results: dict[str, list[float]],
        errors: list[str],
        think: float,
        seed: int,
    ) -> None:
        super().__init__()
        self.port, self.token, self.pages = port, token, pages
        self.think = think
        self.rng = random.Random(seed)
        self.results, self.errors = results, errors
        self.cookie = ""

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        if self.think:
            time.sleep(self.think * self.rng.uniform(0.5, 1.5))
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        hdrs = {"Cookie": self.cookie} if self.cookie else {}
        hdrs.update(headers or {})
        start = time.perf_counter()
        conn.request(method, path, body=body, headers=hdrs)
        res = conn.getresponse()
        data = res.read().decode("utf-8", "replace")
        elapsed = time.perf_counter() - start
        conn.close()
        cookie = res.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        self.results.setdefault(kind, []).append(elapsed)
        if res.status >= 400:
            self.errors.append(f"{kind} {path}: HTTP {res.status} {data[:120]}")
        if "database is locked" in data:
            self.errors.append(f"{kind}: database is locked")
        return res.status, data

    def run(self) -> None:
        try:
            self.request("open link", "GET", f"/r/{self.token}")
            for number in range(1, self.pages + 1):
                _, page = self.request("GET page", "GET", f"/respond/page/{number}")
                match = TOKEN.search(page)
                if not match:
                    self.errors.append(f"no form on page {number}")
                    return
                csrf = match.group(1)
                answers: dict[str, str] = {}
                for name, value in RADIO.findall(page):
                    if value not in ("na", "dk"):
                        answers.setdefault(name, value)
                for name, lo, hi in NUMBER.findall(page):
                    answers[name] = f"{(float(lo) + float(hi)) / 2:g}"
                for qid, value in answers.items():
                    body = json.dumps({"question": qid, "value": value}).encode()
                    self.request(
                        "POST answer",
                        "POST",
                        "/respond/answer",
                        body,
                        {"Content-Type": "application/json", "X-CSRFToken": csrf},
                    )
        except Exception as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between requests (s)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-respond-"))
    db_url = f"sqlite:///{folder / 'bench.sqlite'}"
    os.environ["SECRET_KEY"] = "bench-" + "s" * 40
    tokens = setup_assessment(db_url, args.respondents)
    env = {**os.environ, "DATABASE_URL": db_url}
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("saleshealth")),
            "serve",
            "--port",
            str(args.port),
            "--workers",
            str(args.workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=1).request(
                    "GET", "/login"
                )
                break
            except OSError:
                time.sleep(0.1)
        results: dict[str, list[float]] = {}
        errors: list[str] = []
        threads = [
            Respondent(args.port, t, args.pages, results, errors, args.think, i)
            for i, t in enumerate(tokens)
        ]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=20)
    total = sum(len(v) for v in results.values())
    print(
        f"saleshealth serve (gunicorn, {args.workers} workers x 4 threads) on SQLite; "
        f"{args.respondents} concurrent respondents, {args.pages} pages each, think time {args.think:g} s; "
        f"{os.cpu_count()} cores"
    )
    print(f"{'request':<12} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind, values in results.items():
        print(
            f"{kind:<12} {len(values):>6} {statistics.median(values) * 1000:>8.1f} "
            f"{percentile(values, 95) * 1000:>8.1f} {percentile(values, 99) * 1000:>8.1f} {max(values) * 1000:>8.1f}"
        )
    every = [x for v in results.values() for x in v]
    print(
        f"all          {total:>6} {statistics.median(every) * 1000:>8.1f} {percentile(every, 95) * 1000:>8.1f} "
        f"{percentile(every, 99) * 1000:>8.1f}"
    )
    print(f"throughput: {total / wall:.0f} requests/s over {wall:.1f} s; errors: {len(errors)}")
    for err in errors[:10]:
        print("  error:", err)
    worst = max(
        percentile(results.get("GET page", [0]), 95),
        percentile(results.get("POST answer", [0]), 95),
    )
    print(
        f"target p95 <= 100 ms and zero errors: {'met' if worst <= 0.1 and not errors else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
