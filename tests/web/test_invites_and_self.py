"""E-mail invitations against a local SMTP server, bulk errors, and the self-assessment."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import (
    add_people,
    csrf_token,
    new_assessment,
    new_client,
    open_assessment,
    post_form,
)


class _Collect:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, _Collect]]:
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = _Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, handler
    controller.stop()


def test_invitations_sent_over_smtp(
    owner: FlaskClient, app: Flask, smtp_server: tuple[int, _Collect]
) -> None:
    port, handler = smtp_server
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=port, MAIL_FROM="consultant@acme-consulting.eu"
    )
    aid = new_assessment(owner, new_client(owner))
    add_people(
        owner,
        aid,
        "Ann, ann@northwind-example.eu, sales_rep\nBob, , sales_rep\nCid, cid@northwind-example.eu, executive",
    )
    open_assessment(owner, aid)
    assert "E-mail invitations" in owner.get(f"/assessments/{aid}").get_data(as_text=True)
    res = post_form(owner, f"/assessments/{aid}/invite", {}, form_url=f"/assessments/{aid}")
    assert res.status_code == 302
    assert sorted(m.rcpt_tos[0] for m in handler.messages) == [
        "ann@northwind-example.eu",
        "cid@northwind-example.eu",
    ]
    body = handler.messages[0].content.decode()
    link = re.search(r"http://localhost(/r/[A-Za-z0-9_\-]+)", body)
    assert link, body
    assert owner.application.test_client().get(link.group(1)).status_code == 302
    # a reminder carries the same link: the one from the first e-mail keeps working
    post_form(owner, f"/assessments/{aid}/invite", {}, form_url=f"/assessments/{aid}")
    assert len(handler.messages) == 4
    assert (
        link.group(1) in handler.messages[3].content.decode() + handler.messages[2].content.decode()
    )
    assert owner.application.test_client().get(link.group(1)).status_code == 302


def test_without_smtp_no_invite_button(owner: FlaskClient) -> None:
    aid = new_assessment(owner, new_client(owner))
    add_people(owner, aid, "Ann, ann@northwind-example.eu, sales_rep")
    assert "E-mail invitations" not in owner.get(f"/assessments/{aid}").get_data(as_text=True)


def test_bulk_list_errors_name_the_line_and_add_nothing(owner: FlaskClient) -> None:
    aid = new_assessment(owner, new_client(owner))
    res = post_form(
        owner,
        f"/assessments/{aid}/respondents/bulk",
        {"people": "Ann, , sales_rep\nBob, , ceo\nCid, not-an-email, sales_rep"},
        form_url=f"/assessments/{aid}",
        follow_redirects=True,
    )
    html = res.get_data(as_text=True)
    assert "line 2: unknown role &#39;ceo&#39;" in html and "line 3" in html
    assert "Nothing was added" in html
    assert "No respondents yet" in html


def test_bulk_accepts_role_labels_and_header(owner: FlaskClient) -> None:
    aid = new_assessment(owner, new_client(owner))
    links = add_people(
        owner,
        aid,
        "name,email,role,team\nAnn,,Sales representative / account manager,North\nBob,,sales_ops,",
    )
    assert len(links) == 2


def test_links_csv_neutralises_formulas(owner: FlaskClient) -> None:
    aid = new_assessment(owner, new_client(owner))
    res = post_form(
        owner,
        f"/assessments/{aid}/respondents/bulk",
        {"people": '=HYPERLINK("http://x"), , sales_rep'},
        form_url=f"/assessments/{aid}",
        follow_redirects=True,
    )
    html = res.get_data(as_text=True)
    assert "%27%3DHYPERLINK" in html  # the CSV download starts the cell with a quote


def test_overrides_validated(owner: FlaskClient) -> None:
    cid = new_client(owner)
    for bad, message in (
        ("crm: weight=99", "weight must be between"),
        ("nope: weight=1", "unknown element"),
        ("crm: target=101", "target must be between"),
        ("crm weight", "expected"),
    ):
        page = f"/assessments/new?client_id={cid}"
        html = owner.get(page).get_data(as_text=True)
        version = re.search(r'name="questionnaire"[^>]*>\s*<option[^>]*value="(\d+)"', html).group(
            1
        )  # type: ignore[union-attr]
        res = post_form(
            owner,
            "/assessments/new",
            {
                "client_id": cid,
                "questionnaire": version,
                "title": "T",
                "language": "en",
                "min_group_size": 3,
                "overrides": bad,
            },
            form_url=page,
        )
        assert res.status_code == 200 and message in res.get_data(as_text=True), bad
    aid = new_assessment(owner, cid, overrides="crm: weight=2 target=90")
    assert "crm: weight=2 target=90" in owner.get(f"/assessments/{aid}/settings").get_data(
        as_text=True
    )


def test_self_assessment_shows_results_at_once(owner: FlaskClient) -> None:
    res = post_form(
        owner,
        "/self-assessment",
        {"organization": "Acme Sales", "role": "executive", "language": "en"},
    )
    assert res.headers["Location"].endswith("/respond/")
    token = csrf_token(owner, "/respond/")
    res = owner.post("/respond/start", data={"csrf_token": token})
    assert "/respond/page/1" in res.headers["Location"]
    page = owner.get("/respond/page/1").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    owner.post(
        "/respond/page/1",
        data={"csrf_token": token, "mgmt_rep.one_to_ones": "weekly", "go": "review"},
    )
    token = csrf_token(owner, "/respond/review")
    res = owner.post("/respond/submit", data={"csrf_token": token}, follow_redirects=True)
    html = res.get_data(as_text=True)
    assert "self-assessment with you as the only respondent" in html
    assert "Overall health" in html
    # the leader is still signed in as a member
    assert owner.get("/").status_code == 200
