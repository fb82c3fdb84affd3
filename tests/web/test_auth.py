"""Accounts: first-run setup, sign-in, sign-out and password change revoke sessions."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import OWNER, csrf_token, post_form


def test_first_visit_goes_to_setup(client: FlaskClient) -> None:
    assert client.get("/login").headers["Location"].endswith("/setup")


def test_setup_only_once(owner: FlaskClient, app: object) -> None:
    other = owner.application.test_client()
    assert other.get("/setup").headers["Location"].endswith("/login")


def test_setup_validates(client: FlaskClient) -> None:
    res = post_form(client, "/setup", {**OWNER, "password": "short", "confirm": "short"})
    assert res.status_code == 200 and 'id="password-err"' in res.get_data(as_text=True)


def test_wrong_password_and_unknown_email(owner: FlaskClient) -> None:
    c = owner.application.test_client()
    for email, pw in (
        (OWNER["email"], "wrong password!!"),
        ("nobody@acme-consulting.eu", OWNER["password"]),
    ):
        res = post_form(c, "/login", {"email": email, "password": pw})
        assert res.status_code == 200 and "E-mail or password is wrong" in res.get_data(
            as_text=True
        )


def test_password_is_hashed(owner: FlaskClient, db: object) -> None:
    from sqlalchemy import select

    from assessment.db.models import User
    from assessment.db.tenancy import unscoped

    with unscoped(db):  # type: ignore[arg-type]
        user = db.scalar(select(User))  # type: ignore[attr-defined]
    assert user.password_hash.startswith("scrypt:") and OWNER["password"] not in user.password_hash


def _sign_in(c: FlaskClient, password: str = OWNER["password"]) -> None:
    res = post_form(c, "/login", {"email": OWNER["email"], "password": password})
    assert res.status_code == 302


def test_logout_revokes_copied_cookie(owner: FlaskClient) -> None:
    thief = owner.application.test_client()
    cookie = owner.get_cookie("session")
    assert cookie is not None
    thief.set_cookie("session", cookie.value)
    assert thief.get("/").status_code == 200
    post_form(owner, "/logout", {}, form_url="/")
    assert thief.get("/").status_code == 302  # back to the login page


def test_password_change_signs_out_other_sessions(owner: FlaskClient) -> None:
    second = owner.application.test_client()
    _sign_in(second)
    assert second.get("/").status_code == 200
    res = post_form(
        owner,
        "/account/password",
        {
            "current": OWNER["password"],
            "password": "a new long password",
            "confirm": "a new long password",
        },
    )
    assert res.status_code == 302
    assert owner.get("/").status_code == 200  # the session that changed it stays
    assert second.get("/").status_code == 302
    third = owner.application.test_client()
    _sign_in(third, "a new long password")


def test_password_change_wrong_current(owner: FlaskClient) -> None:
    res = post_form(
        owner,
        "/account/password",
        {
            "current": "nope nope nope",
            "password": "another long one",
            "confirm": "another long one",
        },
    )
    assert res.status_code == 200 and "current password is wrong" in res.get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_no_open_redirect_after_login(owner: FlaskClient, target: str) -> None:
    c = owner.application.test_client()
    token = csrf_token(c, "/login")
    res = c.post(
        f"/login?next={target}",
        data={"csrf_token": token, "email": OWNER["email"], "password": OWNER["password"]},
    )
    assert res.status_code == 302 and res.headers["Location"] in ("/", "http://localhost/")


def test_next_on_site_is_followed(owner: FlaskClient) -> None:
    c = owner.application.test_client()
    token = csrf_token(c, "/login")
    res = c.post(
        "/login?next=/clients/",
        data={"csrf_token": token, "email": OWNER["email"], "password": OWNER["password"]},
    )
    assert res.headers["Location"].endswith("/clients/")


def test_post_without_csrf_token_is_refused(owner: FlaskClient) -> None:
    res = owner.post("/clients/new", data={"name": "No token"})
    assert res.status_code == 400


def test_security_headers(owner: FlaskClient) -> None:
    res = owner.get("/")
    csp = res.headers["Content-Security-Policy"]
    assert (
        "default-src 'self'" in csp
        and "script-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
    )
    assert res.headers["X-Content-Type-Options"] == "nosniff"
    assert res.headers["X-Frame-Options"] == "DENY"
    set_cookie = owner.application.test_client().get("/login").headers.get("Set-Cookie", "")
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
