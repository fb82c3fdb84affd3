"""Two-factor sign-in with a frozen clock: enrolment, the code step, replay, recovery codes,
the workspace rule, an owner's reset, the rate limit and the audit entries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.app import create_app
from assessment.cli.web_cmd import prepare_database
from assessment.db.models import AuditEntry, MemberRole, User
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db as _db
from assessment.services import accounts, mfa
from assessment.services.errors import Conflict, Invalid
from tests.web.conftest import OWNER, PG_URL, _reset_postgres, post_form

T0 = datetime(2026, 12, 8, 9, 0, 0, tzinfo=UTC)
KEY = mfa.derive_key("test-secret-key-" + "x" * 32)
SECRET_ON_PAGE = re.compile(r'<code id="mfa-secret">([A-Z2-7]+)</code>')
RECOVERY_ON_PAGE = re.compile(r"<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>")


def code_at(secret: str, when: datetime) -> str:
    """The code an authenticator app shows at ``when``."""
    return pyotp.TOTP(secret).at(when)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[datetime]]:
    """A frozen clock for the TOTP checks: set ``clock[0]`` to move it."""
    now = [T0]
    monkeypatch.setattr(mfa, "_clock", lambda: now[0])
    yield now


def _events(app: Flask, event: str) -> list[AuditEntry]:
    with app.app_context():
        session = _db.session
        bind_workspace(session, 1)
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.event == event)))
        session.expunge_all()
        session.remove()
        return rows


def _user_id(app: Flask, email: str) -> int:
    with app.app_context(), unscoped(_db.session):
        user_id = _db.session.scalar(select(User.id).where(User.email == email))
        _db.session.remove()
    assert user_id is not None
    return int(user_id)


def enrol(client: FlaskClient, when: datetime) -> tuple[str, list[str]]:
    """Enrol through the page; returns the secret and the recovery codes shown once."""
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "<svg" in html  # the QR code, inline
    match = SECRET_ON_PAGE.search(html)
    assert match, html
    secret = match.group(1)
    res = post_form(client, "/account/two-factor", {"code": code_at(secret, when), "step": "enrol"})
    # post/redirect/get: the codes are on the page the POST redirects to, once
    assert res.status_code == 302, res.get_data(as_text=True)
    assert res.headers["Location"] == "/account/two-factor/recovery-codes"
    shown = client.get(res.headers["Location"])
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    codes = RECOVERY_ON_PAGE.findall(shown.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def sign_in_password(client: FlaskClient, email: str, password: str) -> str:
    res = post_form(client, "/login", {"email": email, "password": password})
    assert res.status_code == 302
    return str(res.headers["Location"])


# --- the service, with the time passed in -------------------------------------------------


def test_service_enrolment_replay_drift_and_recovery(owner: FlaskClient, app: Flask) -> None:
    user_id = _user_id(app, OWNER["email"])
    secret = mfa.new_secret()
    with app.app_context():
        s = _db.session
        with pytest.raises(Invalid):
            mfa.enroll(s, user_id, secret, "000000", KEY, now=T0)
        codes = mfa.enroll(s, user_id, secret, code_at(secret, T0), KEY, now=T0)
        assert len(set(codes)) == 10
        with pytest.raises(Conflict):
            mfa.enroll(s, user_id, secret, code_at(secret, T0), KEY, now=T0)
        # The enrolment code cannot be used again, even within its window.
        assert mfa.verify(s, user_id, code_at(secret, T0), KEY, now=T0) is None
        # The next step's code works once; a code two steps away does not.
        later = T0 + timedelta(seconds=30)
        assert mfa.verify(s, user_id, code_at(secret, later), KEY, now=later) is not None
        assert mfa.verify(s, user_id, code_at(secret, later), KEY, now=later) is None
        far = T0 + timedelta(seconds=120)
        assert mfa.verify(s, user_id, code_at(secret, far), KEY, now=later) is None
        # A code of the previous step is refused once a later step was used.
        assert mfa.verify(s, user_id, code_at(secret, T0), KEY, now=later) is None
        # Recovery codes: each once, any spelling.
        first = mfa.verify(s, user_id, codes[0].upper().replace("-", " "), KEY, now=later)
        assert first is not None and first.method == "recovery"
        assert mfa.verify(s, user_id, codes[0], KEY, now=later) is None
        assert mfa.recovery_left(s, user_id) == 9
        # At rest: the secret is encrypted, recovery codes hashed.
        with unscoped(s):
            user = s.get(User, user_id)
            assert user is not None and user.mfa_secret is not None
            assert secret not in user.mfa_secret
        with pytest.raises(Conflict):  # another SECRET_KEY cannot read it
            mfa.verify(s, user_id, code_at(secret, far), mfa.derive_key("y" * 40), now=far)
        s.remove()
    assert len(_events(app, "mfa.enrolled")) == 1
    assert len(_events(app, "mfa.recovery_used")) == 1
    failed = _events(app, "auth.mfa_failed")
    assert {e.details["reason"] for e in failed} == {"replayed", "wrong"}


def test_enrolment_sent_twice_at_once_turns_it_on_once(owner: FlaskClient, app: Flask) -> None:
    """Two requests that both read "off" before either wrote: the second one finds it on when
    it writes, and neither replaces the first one's recovery codes nor its secret."""
    from sqlalchemy.orm import Session

    from assessment.db.models import MfaRecoveryCode

    user_id = _user_id(app, OWNER["email"])
    secret, other = mfa.new_secret(), mfa.new_secret()
    with app.app_context():
        first = _db.session()
        late = Session(bind=_db.engine)
        with unscoped(late):
            stale = late.get(User, user_id)  # the second request read the user: still off
            assert stale is not None and stale.mfa_secret is None
            codes = mfa.enroll(first, user_id, secret, code_at(secret, T0), KEY, now=T0)
            assert len(codes) == 10
            with pytest.raises(Conflict):
                mfa.enroll(late, user_id, other, code_at(other, T0), KEY, now=T0)
        late.close()
        with unscoped(first):
            hashes = set(first.scalars(select(MfaRecoveryCode.code_hash)))
        assert hashes == {mfa._hash_recovery(c) for c in codes}
        # the first enrolment's secret stands: its next code verifies
        later = T0 + timedelta(seconds=30)
        assert mfa.verify(first, user_id, code_at(secret, later), KEY, now=later)
        _db.session.remove()
    assert len(_events(app, "mfa.enrolled")) == 1


def test_disable_needs_a_current_code(owner: FlaskClient, app: Flask) -> None:
    user_id = _user_id(app, OWNER["email"])
    secret = mfa.new_secret()
    with app.app_context():
        s = _db.session
        mfa.enroll(s, user_id, secret, code_at(secret, T0), KEY, now=T0)
        with pytest.raises(Invalid):
            mfa.disable(s, user_id, "123456", KEY, now=T0 + timedelta(seconds=30))
        later = T0 + timedelta(seconds=30)
        mfa.disable(s, user_id, code_at(secret, later), KEY, now=later)
        with unscoped(s):
            user = s.get(User, user_id)
            assert user is not None and user.mfa_secret is None
        assert mfa.recovery_left(s, user_id) == 0
        s.remove()
    assert len(_events(app, "mfa.disabled")) == 1


# --- the pages -----------------------------------------------------------------------------


def test_sign_in_asks_for_the_code_before_signing_in(
    owner: FlaskClient, app: Flask, clock: list[datetime]
) -> None:
    secret, codes = enrol(owner, T0)
    post_form(owner, "/logout", {}, form_url="/")
    location = sign_in_password(owner, OWNER["email"], OWNER["password"])
    assert location.endswith("/login/verify")
    # Password alone: not signed in.
    assert "/login" in owner.get("/").headers.get("Location", "")
    clock[0] = T0 + timedelta(seconds=30)
    res = post_form(owner, "/login/verify", {"code": "000000"})
    assert res.status_code == 200 and "not valid" in res.get_data(as_text=True)
    assert owner.get("/").status_code == 302
    # The enrolment code again, inside its window: refused (replay).
    res = post_form(owner, "/login/verify", {"code": code_at(secret, T0)})
    assert res.status_code == 200
    res = post_form(owner, "/login/verify", {"code": code_at(secret, clock[0])})
    assert res.status_code == 302 and res.headers["Location"] == "/"
    assert owner.get("/").status_code == 200
    # A recovery code signs in once.
    post_form(owner, "/logout", {}, form_url="/")
    sign_in_password(owner, OWNER["email"], OWNER["password"])
    res = post_form(owner, "/login/verify", {"code": codes[3]})
    assert res.status_code == 302
    post_form(owner, "/logout", {}, form_url="/")
    sign_in_password(owner, OWNER["email"], OWNER["password"])
    assert post_form(owner, "/login/verify", {"code": codes[3]}).status_code == 200
    methods = [e.details["method"] for e in _events(app, "auth.sign_in")]
    assert methods == ["totp", "recovery"]


def test_code_page_without_a_password_sends_back_to_sign_in(client: FlaskClient) -> None:
    res = client.get("/login/verify")
    assert res.status_code == 302 and res.headers["Location"].endswith("/login")


def test_required_for_everyone_and_owner_reset(
    owner: FlaskClient, app: Flask, clock: list[datetime]
) -> None:
    # The owner cannot require it before having it.
    res = post_form(owner, "/settings/two-factor", {"require_mfa": "y"})
    assert res.status_code == 200 and "own two-factor" in res.get_data(as_text=True)
    enrol(owner, T0)
    res = post_form(owner, "/settings/two-factor", {"require_mfa": "y"})
    assert res.status_code == 302
    with app.app_context():
        accounts.add_member(
            _db.session, 1, "Mia", "mia@acme-consulting.eu", "member password 1", MemberRole.VIEWER
        )
        _db.session.remove()
    member = app.test_client()
    location = sign_in_password(member, "mia@acme-consulting.eu", "member password 1")
    # Signed in with the password, but every page leads to enrolment first.
    for path in ("/", "/clients/", "/settings/api-tokens"):
        res = member.get(path)
        assert res.status_code == 302 and res.headers["Location"].endswith("/account/two-factor"), (
            path,
            location,
        )
    clock[0] = T0 + timedelta(seconds=60)
    enrol(member, clock[0])
    assert member.get("/").status_code == 200
    # Lost phone: the owner resets the member's second factor; the member is signed out.
    member_id = _user_id(app, "mia@acme-consulting.eu")
    res = post_form(owner, f"/settings/members/{member_id}/reset-two-factor", {}, form_url="/")
    assert res.status_code == 302
    assert member.get("/").status_code == 302
    assert "/login" in member.get("/").headers["Location"]
    reset = _events(app, "mfa.reset")
    assert [(e.actor_label, e.target) for e in reset] == [(OWNER["email"], f"user:{member_id}")]
    assert [e.details for e in _events(app, "settings.require_mfa")] == [{"required": True}]
    assert len(_events(app, "mfa.enrolled")) == 2
    # Owners reset others, not themselves (that needs a code, on their account page).
    owner_id = _user_id(app, OWNER["email"])
    res = post_form(owner, f"/settings/members/{owner_id}/reset-two-factor", {}, form_url="/")
    assert res.status_code in (400, 422)


def test_members_cannot_reset_or_require(owner: FlaskClient, app: Flask) -> None:
    with app.app_context():
        accounts.add_member(
            _db.session,
            1,
            "Cid",
            "cid@acme-consulting.eu",
            "member password 1",
            MemberRole.CONSULTANT,
        )
        _db.session.remove()
    consultant = app.test_client()
    sign_in_password(consultant, "cid@acme-consulting.eu", "member password 1")
    owner_id = _user_id(app, OWNER["email"])
    res = post_form(consultant, f"/settings/members/{owner_id}/reset-two-factor", {}, form_url="/")
    assert res.status_code == 403
    assert consultant.get("/settings/two-factor").status_code == 403


# --- the rate limit --------------------------------------------------------------------------


@pytest.fixture
def limited_app(tmp_path: Path) -> Iterator[Flask]:
    """An app with rate limits on, counting in memory."""
    url = PG_URL or f"sqlite:///{tmp_path / 'mfa-limits.sqlite'}"
    if PG_URL:
        _reset_postgres(PG_URL)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-" + "x" * 32,
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
        },
        instance_path=str(tmp_path / "instance"),
    )
    prepare_database(app)
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def test_code_guessing_is_rate_limited(limited_app: Flask, clock: list[datetime]) -> None:
    client = limited_app.test_client()
    res = post_form(client, "/setup", {**OWNER, "confirm": OWNER["password"]})
    assert res.status_code == 302
    enrol(client, T0)
    post_form(client, "/logout", {}, form_url="/")
    sign_in_password(client, OWNER["email"], OWNER["password"])
    statuses = [
        post_form(client, "/login/verify", {"code": f"{n:06d}"}).status_code for n in range(6)
    ]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429


def test_recovery_codes_are_stored_hashed_and_nowhere_in_plain(
    owner: FlaskClient, app: Flask, clock: list[datetime]
) -> None:
    """The ten codes shown at enrolment are in no column of any table, in any spelling; the
    database holds their SHA-256 only (one row per code)."""
    import hashlib

    from assessment.db.base import Base
    from assessment.db.models import MfaRecoveryCode

    _secret, codes = enrol(owner, T0)
    user_id = _user_id(app, OWNER["email"])
    spellings = {c for code in codes for c in (code, code.replace("-", ""), code.upper())}
    with app.app_context(), unscoped(_db.session()) as s:
        stored = set(
            s.scalars(select(MfaRecoveryCode.code_hash).where(MfaRecoveryCode.user_id == user_id))
        )
        every_value = [
            str(value)
            for table in Base.metadata.sorted_tables
            for row in s.execute(table.select())
            for value in row
            if value is not None
        ]
        _db.session.remove()
    expected = {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes}
    assert stored == expected
    assert expected <= set(every_value)  # the scan read the table the codes live in
    leaks = [v for v in every_value if any(c in v for c in spellings)]
    assert leaks == []
