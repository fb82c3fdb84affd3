"""Scale-out: two app instances (separate gunicorn processes and ports) on one PostgreSQL
database and one Redis.  Respondents' requests alternate between the instances and no answer is
lost; the login rate limit is counted once for both; a PDF job requested on instance A is
rendered by an RQ worker and downloaded from instance B.

Runs in the PostgreSQL + Redis phase of scripts/test.sh (TEST_DATABASE_URL, TEST_REDIS_URL),
which CI always runs.
"""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text

from assessment.services.respondents import hash_token
from tests.reliability.helpers import (
    BIN,
    RK,
    TOKEN,
    Http,
    Server,
    free_port,
    make_app,
    page_answers,
    populate,
    reset_postgres,
    server_env,
)

pytestmark = [pytest.mark.db, pytest.mark.redis]
PAGES = 3


class Alternating:
    """One respondent whose every request goes to the other instance than the last one."""

    def __init__(self, token: str, ports: tuple[int, int], seed: int) -> None:
        self.token, self.ports, self.seed = token, ports, seed
        self.http = Http(ports[0])
        self.turn = 0
        self.acked: dict[str, str] = {}
        self.comment = ""
        self.submitted = False
        self.errors: list[str] = []
        self.served_by: set[int] = set()

    def _port(self) -> int:
        port = self.ports[self.turn % 2]
        self.turn += 1
        self.served_by.add(port)
        return port

    def run(self) -> None:
        try:
            status, _h, _b = self.http.get(f"/r/{self.token}", port=self._port())
            assert status == 302, status
            for number in range(1, PAGES + 1):
                status, _h, page = self.http.get(f"/respond/page/{number}", port=self._port())
                csrf, rk = TOKEN.search(page), RK.search(page)
                assert status == 200 and csrf and rk, status
                answers = page_answers(page, self.seed + number)
                if number < PAGES:
                    for qid, value in answers.items():
                        status, reply = self.http.post_json(
                            "/respond/answer",
                            {"question": qid, "value": value},
                            csrf.group(1),
                            port=self._port(),
                        )
                        assert status == 200 and reply.get("saved") is True, (status, reply)
                        self.acked[qid] = value
                else:
                    comment = f"comment from respondent {self.seed}"
                    form = {"csrf_token": csrf.group(1), "rk": rk.group(1), "go": "next"}
                    status, _h, _b = self.http.post_form(
                        f"/respond/page/{number}",
                        {**form, "comment": comment, **answers},
                        port=self._port(),
                    )
                    assert status == 302, status
                    self.acked.update(answers)
                    self.comment = comment
            status, _h, review = self.http.get("/respond/review", port=self._port())
            csrf = TOKEN.search(review)
            assert csrf, status
            status, headers, _b = self.http.post_form(
                "/respond/submit", {"csrf_token": csrf.group(1)}, port=self._port()
            )
            assert status == 302 and headers["location"].endswith("/respond/thanks")
            self.submitted = True
        except Exception as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")


def _login_attempt(http: Http, port: int) -> tuple[int, str]:
    status, _h, page = http.get("/login", port=port)
    token = TOKEN.search(page)
    assert token, (status, page[:300])
    status, headers, _body = http.post_form(
        "/login",
        {"csrf_token": token.group(1), "email": "nobody@acme-consulting.eu", "password": "wrong"},
        port=port,
    )
    return status, headers.get("x-ratelimit-remaining", "")


def test_two_instances_share_answers_rate_limits_and_render_jobs(
    pg_url: str, redis_url: str, tmp_path: Path
) -> None:
    from redis import Redis

    reset_postgres(pg_url)
    Redis.from_url(redis_url).flushdb()
    scenario = populate(make_app(pg_url, tmp_path / "instance"), respondents=8, pages_saved=0)
    env = server_env(pg_url, REDIS_URL=redis_url)
    port_a, port_b = free_port(), free_port()
    a = Server.saleshealth(env, port_a, tmp_path / "a.log", workers=1)
    b = Server.saleshealth(env, port_b, tmp_path / "b.log", workers=1)
    a.start()
    b.start()  # after A: only one of them runs the (no-op) migration at a time
    try:
        # Respondents alternate between the instances, all at the same time.
        unsubmitted = [
            (rid, token)
            for i, (rid, token) in enumerate(
                zip(scenario.respondent_ids, scenario.tokens, strict=True)
            )
            if i >= 2  # populate() submitted the first two
        ]
        people = [
            Alternating(token, (port_a, port_b) if i % 2 else (port_b, port_a), i)
            for i, (_rid, token) in enumerate(unsubmitted)
        ]
        threads = [threading.Thread(target=p.run) for p in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        assert [e for p in people for e in p.errors] == []
        assert all(p.served_by == {port_a, port_b} and p.submitted for p in people)

        engine = create_engine(pg_url)
        with engine.connect() as conn:
            for person in people:
                rid, submitted = conn.execute(
                    text("SELECT id, submitted_at FROM respondent WHERE token_hash = :h"),
                    {"h": hash_token(person.token)},
                ).one()
                assert submitted is not None
                stored = {
                    qid: number if number is not None else value
                    for qid, value, number in conn.execute(
                        text(
                            "SELECT question_id, value_text, value_number FROM answer "
                            "WHERE respondent_id = :r"
                        ),
                        {"r": rid},
                    )
                }
                assert len(person.acked) > 15
                for qid, value in person.acked.items():
                    got = stored.get(qid)
                    assert got == value or got == pytest.approx(float(value)), (rid, qid)
                comments = conn.execute(
                    text("SELECT text FROM element_comment WHERE respondent_id = :r"), {"r": rid}
                ).scalars()
                assert person.comment in list(comments)
        engine.dispose()

        # A PDF requested on A is rendered by an RQ worker and downloaded from B.
        owner = Http(port_a)
        owner.login()
        base = f"/assessments/{scenario.demo_assessment_id}"
        _status, _h, results = owner.get(f"{base}/results")
        csrf = TOKEN.search(results)
        assert csrf
        status, headers, _b = owner.post_form(
            f"{base}/report", {"csrf_token": csrf.group(1), "language": "en"}
        )
        assert status == 302
        job = urlsplit(headers["location"]).path
        assert job.startswith(f"{base}/report/"), job
        status, _h, body = owner.get(f"{job}/status", port=port_b)
        assert status == 200 and '"queued"' in body  # neither web process renders it
        worker = subprocess.run(
            [str(BIN / "saleshealth"), "worker", "--burst"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert worker.returncode == 0, worker.stderr[-2000:]
        status, _h, body = owner.get(f"{job}/status", port=port_b)
        assert '"done"' in body, (body, worker.stderr[-2000:])
        status, headers, pdf = owner.request("GET", f"{job}/download", port=port_b)
        assert status == 200 and pdf.startswith(b"%PDF")
        assert headers["content-type"] == "application/pdf"

        # The login limit (10 per minute per address) is counted once for both instances.
        # The owner's sign-in above was the first attempt of this window.
        anonymous = Http(port_a)
        seen: list[tuple[str, int, str]] = []
        for port in (port_a, port_a, port_b, port_a, port_b):
            status, remaining = _login_attempt(anonymous, port)
            seen.append(("A" if port == port_a else "B", status, remaining))
        assert [s for _i, s, _r in seen] == [200] * 5, seen
        counts = [int(r) for _i, _s, r in seen]
        assert counts == list(range(counts[0], counts[0] - 5, -1)), seen  # one shared counter
        while True:  # A until it refuses
            status, _remaining = _login_attempt(anonymous, port_a)
            if status == 429:
                break
            assert status == 200
            assert len(seen) < 20
            seen.append(("A", status, _remaining))
        status, _remaining = _login_attempt(anonymous, port_b)
        assert status == 429, "instance B did not see the attempts made on instance A"
    finally:
        a.stop()
        b.stop()
    for log in (tmp_path / "a.log", tmp_path / "b.log"):
        text_ = log.read_text(errors="replace")
        assert "Traceback" not in text_, text_[-3000:]
