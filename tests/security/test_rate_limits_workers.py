"""Rate limits hold as documented with several worker processes and no Redis.

Hostile-run finding: ``saleshealth serve`` starts four gunicorn workers and, without
``REDIS_URL``, each counted in its own memory — 80 wrong passwords got 40 answers before
the first 429 (documented: 10 per minute).  The counters now live in a SQLite file shared
by the machine's workers.  Behind a reverse proxy, ``SALESHEALTH_TRUSTED_PROXIES`` makes the
limits count per client instead of per proxy.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from assessment.web.ratelimit_storage import SQLiteStorage
from tests.reliability.helpers import TOKEN, Http, Server, free_port, server_env


def _login_attempt(http: Http, forwarded_for: str | None = None) -> int:
    extra = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    status, _h, page = http.request("GET", "/login", headers=extra)
    token = TOKEN.search(page.decode())
    assert token, (status, page[:300])
    body = f"csrf_token={token.group(1)}&email=nobody%40acme-consulting.eu&password=wrong"
    status, _h, _page = http.request(
        "POST",
        "/login",
        body.encode(),
        {"Content-Type": "application/x-www-form-urlencoded", **extra},
    )
    return status


def _set_up_workspace(port: int) -> None:
    http = Http(port)
    _status, _h, page = http.get("/setup")
    token = TOKEN.search(page)
    assert token, page[:300]
    status, _h, body = http.post_form(
        "/setup",
        {
            "csrf_token": token.group(1),
            "workspace": "Acme Consulting",
            "name": "Olga Owner",
            "email": "owner@acme-consulting.eu",
            "password": "correct horse battery",
            "confirm": "correct horse battery",
        },
    )
    assert status == 302, body[:500]


@pytest.fixture
def four_workers(tmp_path: Path) -> Server:
    env = server_env(
        f"sqlite:///{tmp_path / 'app.sqlite'}",
        SALESHEALTH_TRUSTED_PROXIES="1",
        SALESHEALTH_INSTANCE_PATH=str(tmp_path / "instance"),
    )
    server = Server.saleshealth(env, free_port(), tmp_path / "server.log", workers=4)
    server.start()
    _set_up_workspace(server.port)
    yield server  # type: ignore[misc]
    server.stop()


def test_login_limit_holds_across_four_workers(four_workers: Server) -> None:
    # A fresh connection per request spreads the attempts over the four workers.
    statuses = [_login_attempt(Http(four_workers.port)) for _ in range(14)]
    assert statuses[:10] == [200] * 10  # wrong password: the form again
    assert statuses[10:] == [429] * 4
    # Behind the trusted proxy another client has its own bucket…
    assert _login_attempt(Http(four_workers.port), forwarded_for="203.0.113.7") == 200


def test_untrusted_forwarded_header_is_not_believed(tmp_path: Path) -> None:
    env = server_env(  # no trusted proxy
        f"sqlite:///{tmp_path / 'app.sqlite'}", SALESHEALTH_INSTANCE_PATH=str(tmp_path / "instance")
    )
    server = Server.saleshealth(env, free_port(), tmp_path / "server.log", workers=2)
    server.start()
    try:
        _set_up_workspace(server.port)
        statuses = [
            _login_attempt(Http(server.port), forwarded_for=f"198.51.100.{i}") for i in range(12)
        ]
    finally:
        server.stop()
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429] * 2  # a forged X-Forwarded-For does not buy new attempts


def _hammer(uri: str, n: int) -> None:
    storage = SQLiteStorage(uri)
    for _ in range(n):
        storage.incr("k", 60)


def test_counts_from_concurrent_processes_add_up(tmp_path: Path) -> None:
    uri = f"saleshealth-sqlite:///{tmp_path / 'limits.sqlite'}"
    procs = [multiprocessing.Process(target=_hammer, args=(uri, 200)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    storage = SQLiteStorage(uri)
    assert storage.get("k") == 800
    storage.clear("k")
    assert storage.get("k") == 0
    assert storage.incr("short", 0) == 1  # an expired window starts again
    assert storage.get("short") == 0
