"""SIGKILL in the middle of a write transaction: answers and submissions are all or nothing.

The app runs in real gunicorn processes on SQLite.  ``tests.reliability.testing_hooks`` (installed by
``gunicorn_hooks.py``) holds every respondent write transaction for a moment just before its
COMMIT and leaves a marker file, so the test can send SIGKILL exactly while a transaction is
open: first to the worker in the middle of a submit (the master replaces the worker), then to
the whole server in the middle of a page save (restarted afterwards).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.reliability.helpers import (
    RK,
    TOKEN,
    Http,
    Server,
    free_port,
    make_app,
    page_answers,
    populate,
    server_env,
)

HOOKS = Path(__file__).with_name("gunicorn_hooks.py")
PAGE = 3  # pages 1 and 2 were saved before the server started


@dataclass
class Attempt:
    """What one respondent sent and which replies came back."""

    token: str
    sent: dict[str, str] = field(default_factory=dict)
    page_acked: bool = False
    submit_acked: bool = False
    error: str = ""


def _respond(port: int, attempt: Attempt, seed: int) -> None:
    http = Http(port, timeout=60)
    try:
        status, headers, _body = http.get(f"/r/{attempt.token}")
        assert status == 302, status
        status, headers, page = http.get(f"/respond/page/{PAGE}")
        if status == 302 and headers["location"].endswith("/respond/thanks"):
            attempt.submit_acked = True  # submitted earlier, its reply lost with the server
            return
        assert status == 200, status
        csrf, rk = TOKEN.search(page), RK.search(page)
        assert csrf and rk
        attempt.sent = page_answers(page, seed)
        form = {
            "csrf_token": csrf.group(1),
            "rk": rk.group(1),
            "go": "next",
            "comment": f"page {PAGE} comment from respondent {seed}",
            **attempt.sent,
        }
        status, headers, _body = http.post_form(f"/respond/page/{PAGE}", form)
        assert status == 302, status
        attempt.page_acked = True
        status, _h, review = http.get("/respond/review")
        csrf = TOKEN.search(review)
        assert csrf, review[:300]
        status, headers, _body = http.post_form("/respond/submit", {"csrf_token": csrf.group(1)})
        assert status == 302 and headers["location"].endswith("/respond/thanks"), status
        attempt.submit_acked = True
    except Exception as exc:  # a killed worker resets the connection
        attempt.error = f"{type(exc).__name__}: {exc}"


def _wait_for_marker(
    folder: Path, path_prefix: str, nth: int = 1, timeout: float = 60
) -> dict[str, object]:
    """Wait until the nth distinct respondent's transaction on ``path_prefix`` is in flight."""
    seen: set[object] = set()
    deadline = time.time() + timeout
    while time.time() < deadline:
        for marker in folder.glob("*.json"):
            try:
                info = json.loads(marker.read_text())
            except (OSError, ValueError):
                continue
            if str(info["path"]).startswith(path_prefix):
                seen.add(info["respondent"])
                if len(seen) >= nth:
                    return dict(info)
        time.sleep(0.005)
    raise AssertionError(f"no write transaction on {path_prefix} was seen in flight")


def _state(database: Path) -> dict[int, tuple[dict[str, object], set[str], bool]]:
    """Per respondent id: answers by question, commented elements, submitted?"""
    with sqlite3.connect(database) as conn:
        out: dict[int, tuple[dict[str, object], set[str], bool]] = {}
        for rid, submitted in conn.execute("SELECT id, submitted_at FROM respondent"):
            out[rid] = ({}, set(), submitted is not None)
        for rid, qid, text, number in conn.execute(
            "SELECT respondent_id, question_id, value_text, value_number FROM answer"
        ):
            out[rid][0][qid] = number if number is not None else text
        for rid, element in conn.execute("SELECT respondent_id, element_id FROM element_comment"):
            out[rid][1].add(element)
    return out


def _same(stored: object, raw: str) -> bool:
    return stored == raw if isinstance(stored, str) else stored == float(raw)


def _check_all_or_nothing(
    database: Path,
    earlier: dict[int, tuple[dict[str, object], set[str], bool]],
    attempts: dict[int, Attempt],
) -> dict[int, str]:
    """Assert the invariants; return each respondent's outcome (none/saved/submitted)."""
    now = _state(database)
    outcome: dict[int, str] = {}
    for rid, attempt in attempts.items():
        answers, comments, submitted = now[rid]
        before_answers, before_comments, _ = earlier[rid]
        for qid, value in before_answers.items():  # earlier saved answers are intact
            assert answers.get(qid) == value, (rid, qid)
        assert before_comments <= comments, rid
        if not attempt.sent:  # the kill came before this respondent sent anything
            assert (answers, comments, submitted) == earlier[rid], (rid, attempt.error)
            outcome[rid] = "none"
            continue
        present = {qid for qid in attempt.sent if qid in answers}
        new_comment = len(comments) > len(before_comments)
        assert present in (set(), set(attempt.sent)), f"respondent {rid}: partial page {present}"
        assert new_comment == bool(present), rid
        for qid in present:
            assert _same(answers[qid], attempt.sent[qid]), (rid, qid)
        if attempt.page_acked:
            assert present, f"respondent {rid}: acknowledged page lost"
        if attempt.submit_acked:
            assert submitted, f"respondent {rid}: acknowledged submission lost"
        if submitted:
            assert present == set(attempt.sent), rid
        outcome[rid] = "submitted" if submitted else ("saved" if present else "none")
    return outcome


def _integrity(database: Path) -> str:
    with sqlite3.connect(database) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def _run_round(port: int, attempts: dict[int, Attempt], first_seed: int) -> list[threading.Thread]:
    threads = [
        threading.Thread(target=_respond, args=(port, attempt, first_seed + i))
        for i, attempt in enumerate(attempts.values())
    ]
    for thread in threads:
        thread.start()
    return threads


def test_sigkill_mid_transaction_is_all_or_nothing(tmp_path: Path) -> None:
    database = tmp_path / "saleshealth.sqlite"
    url = f"sqlite:///{database}"
    scenario = populate(make_app(url, tmp_path / "instance"), respondents=12, submitted=0)
    earlier = _state(database)
    assert all(len(earlier[rid][0]) > 5 for rid in scenario.respondent_ids)
    markers = tmp_path / "markers"
    markers.mkdir()
    port = free_port()
    env = server_env(
        url,
        SALESHEALTH_TEST_COMMIT_DELAY="0.3",
        SALESHEALTH_TEST_MARKER_DIR=str(markers),
        SALESHEALTH_TEST_DELAY_PATHS="/respond/",
    )
    server = Server.gunicorn(env, port, tmp_path / "server.log", HOOKS, workers=2)
    server.start()
    try:
        pairs = list(zip(scenario.respondent_ids, scenario.tokens, strict=True))

        # Round 1: SIGKILL the worker whose submit transaction is open.
        first = {rid: Attempt(token) for rid, token in pairs[:6]}
        threads = _run_round(port, first, 0)
        killed = _wait_for_marker(markers, "/respond/submit", nth=2)
        os.kill(int(str(killed["pid"])), signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=120)
        for marker in markers.glob("*.json"):
            marker.unlink()
        outcome = _check_all_or_nothing(database, earlier, first)
        victim = int(str(killed["respondent"]))
        assert outcome[victim] == "saved"  # its page was committed, the submit rolled back
        assert not first[victim].submit_acked
        assert any(a.submit_acked for a in first.values())
        print(f"\nround 1 (worker SIGKILL in {killed['path']}): {sorted(outcome.values())}")
        # The master replaced the worker: the same server answers without a restart.
        assert Http(port).get("/login")[0] == 200

        # Round 2: SIGKILL the whole server while a page save is open.
        second = {rid: Attempt(token) for rid, token in pairs[6:]}
        threads = _run_round(port, second, 100)
        killed = _wait_for_marker(markers, f"/respond/page/{PAGE}", nth=3)
        server.kill()
        for thread in threads:
            thread.join(timeout=120)
        assert _integrity(database) == "ok"
        outcome = _check_all_or_nothing(database, earlier, second)
        victim = int(str(killed["respondent"]))
        assert outcome[victim] == "none"  # nothing of the open page save was kept
        assert not second[victim].page_acked
        print(f"round 2 (server SIGKILL in {killed['path']}): {sorted(outcome.values())}")
    finally:
        server.stop()
    assert _integrity(database) == "ok"

    # Restarted (without the fault hook), the server serves and the victims finish.
    for marker in markers.glob("*.json"):
        marker.unlink()
    restarted = Server.gunicorn(server_env(url), port, tmp_path / "server.log", HOOKS, workers=2)
    restarted.start()
    try:
        unfinished = {
            rid: Attempt(a.token)
            for rid, a in {**first, **second}.items()
            if not (a.page_acked and a.submit_acked)
        }
        assert unfinished
        for thread in _run_round(port, unfinished, 200):
            thread.join(timeout=120)
        assert all(a.submit_acked for a in unfinished.values()), [
            a.error for a in unfinished.values()
        ]
    finally:
        restarted.stop()
    final = _state(database)
    assert all(final[rid][2] for rid in scenario.respondent_ids)  # everyone submitted once
    assert _integrity(database) == "ok"
