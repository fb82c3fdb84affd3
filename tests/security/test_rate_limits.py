"""Rate limits on guessing: respondent links and sign-in, per IP, shared across workers.

With ``REDIS_URL`` set the limiter stores its counters in Redis, so two web processes (here:
two app instances, as two gunicorn workers or two machines would be) count together.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask

from assessment.app import create_app
from assessment.extensions import db as _db
from tests.databases import fresh_database
from tests.web.conftest import OWNER, PG_URL, post_form

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _app(tmp_path: Path, storage: str, prefix: str, reset: bool = True) -> Flask:
    """An app with rate limits on (the limiter is process-wide: the prefix of the first app sticks)."""
    url = PG_URL or f"sqlite:///{tmp_path / 'limits.sqlite'}"
    if reset:
        fresh_database(url)  # migrated once per session, copied or restored here
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-" + "x" * 32,
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": storage,
            "RATELIMIT_KEY_PREFIX": prefix,
        },
        instance_path=str(tmp_path / "instance"),
    )
    return app


@pytest.fixture
def memory_app(tmp_path: Path) -> Iterator[Flask]:
    app = _app(tmp_path, "memory://", "mem")
    yield app
    with app.app_context():
        _db.engine.dispose()


def test_link_guessing_is_limited_per_ip(memory_app: Flask) -> None:
    client = memory_app.test_client()
    codes = [client.get(f"/r/{secrets.token_urlsafe(24)}").status_code for _ in range(121)]
    assert codes[:120] == [404] * 120  # unknown links: a plain "link not valid" page
    assert codes[120] == 429
    # Another IP is not affected.
    other = client.get(f"/r/{secrets.token_urlsafe(24)}", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 404


def test_login_guessing_is_limited(memory_app: Flask) -> None:
    client = memory_app.test_client()
    res = post_form(client, "/setup", {**OWNER, "confirm": OWNER["password"]})
    assert res.status_code == 302
    client.post("/logout", data={})
    attacker = memory_app.test_client()
    codes = [
        post_form(
            attacker, "/login", {"email": OWNER["email"], "password": f"guess {i}"}
        ).status_code
        for i in range(11)
    ]
    assert codes[:10] == [200] * 10, codes
    assert codes[10] == 429
    # Even the right password is refused while the limit holds.
    res = post_form(attacker, "/login", {"email": OWNER["email"], "password": OWNER["password"]})
    assert res.status_code == 429


@pytest.mark.redis
def test_limits_are_shared_between_processes_through_redis(tmp_path: Path) -> None:
    storage = REDIS_URL
    worker_a = _app(tmp_path, storage, "shared")
    worker_b = _app(tmp_path, storage, "shared", reset=False)
    # A fresh client address per run, so counters of earlier runs cannot interfere.
    ip = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"
    env = {"REMOTE_ADDR": ip}
    conn = redis.Redis.from_url(storage)
    try:
        a, b = worker_a.test_client(), worker_b.test_client()
        codes = []
        for i in range(120):
            client = a if i % 2 == 0 else b
            codes.append(
                client.get(f"/r/{secrets.token_urlsafe(24)}", environ_base=env).status_code
            )
        assert set(codes) == {404}
        # 60 guesses went to each worker; the 121st is refused by either of them.
        assert a.get(f"/r/{secrets.token_urlsafe(24)}", environ_base=env).status_code == 429
        assert b.get(f"/r/{secrets.token_urlsafe(24)}", environ_base=env).status_code == 429
        assert list(conn.scan_iter(f"LIMITS:*/{ip}/*")), "the counters are not in Redis"
    finally:
        for key in conn.scan_iter(f"LIMITS:*/{ip}/*"):
            conn.delete(key)
        for app in (worker_a, worker_b):
            with app.app_context():
                _db.engine.dispose()


def test_share_link_password_attempts_are_limited_per_link(memory_app: Flask) -> None:
    """5 password attempts a minute per share link, from any address; then 429, even for the
    right password.  Another link is not affected."""
    from tests.web.conftest import new_client
    from tests.web.guests import GUEST_PASSWORD, share_link

    owner = memory_app.test_client()
    res = post_form(owner, "/setup", {**OWNER, "confirm": OWNER["password"]})
    assert res.status_code == 302
    cid = new_client(owner)
    link, other = share_link(owner, cid), share_link(owner, cid)
    codes = []
    for i in range(6):  # the attacker moves to a new address each time
        guesser = memory_app.test_client()
        env = {"REMOTE_ADDR": f"10.1.2.{i + 1}"}
        page = guesser.get(link, environ_base=env).get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        codes.append(
            guesser.post(
                link,
                data={"csrf_token": token, "password": f"guess number {i}"},
                environ_base=env,
            ).status_code
        )
    assert codes == [200] * 5 + [429], codes
    right = post_form(memory_app.test_client(), link, {"password": GUEST_PASSWORD})
    assert right.status_code == 429
    assert (
        post_form(memory_app.test_client(), other, {"password": GUEST_PASSWORD}).status_code == 302
    )


def test_share_link_password_attempts_are_limited_per_address(memory_app: Flask) -> None:
    """20 password attempts a minute from one address over any number of links; the 21st is
    refused (429) on a link it never tried."""
    from tests.web.conftest import new_client
    from tests.web.guests import share_link

    owner = memory_app.test_client()
    res = post_form(owner, "/setup", {**OWNER, "confirm": OWNER["password"]})
    assert res.status_code == 302
    cid = new_client(owner)
    links = [share_link(owner, cid) for _ in range(6)]
    env = {"REMOTE_ADDR": "10.7.7.7"}
    guesser = memory_app.test_client()
    codes = []
    for i in range(21):
        link = links[i // 4]  # 4 attempts per link: under the 5 a minute each link allows
        page = guesser.get(link, environ_base=env).get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        res = guesser.post(
            link, data={"csrf_token": token, "password": f"guess {i}"}, environ_base=env
        )
        codes.append(res.status_code)
    assert codes == [200] * 20 + [429], codes
