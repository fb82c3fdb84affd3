"""The audit trail: events are recorded, owners read and export them, nobody edits them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from assessment.db import write_transaction
from assessment.db.models import AuditEntry, MemberRole
from assessment.db.tenancy import bind_workspace
from assessment.extensions import db as _db
from assessment.services import accounts, audit
from assessment.services.audit import AuditImmutable
from tests.web.conftest import (
    OWNER,
    add_people,
    new_assessment,
    new_client,
    open_assessment,
    post_form,
)
from tests.web.invitations import invite_member
from tests.web.test_api import bearer, create_token


def _entries(app: Flask, event: str | None = None) -> list[AuditEntry]:
    with app.app_context():
        session = _db.session
        bind_workspace(session, 1)
        query = select(AuditEntry).order_by(AuditEntry.id)
        if event:
            query = query.where(AuditEntry.event == event)
        rows = list(session.scalars(query))
        session.expunge_all()
        session.remove()
        return rows


def _sign_in(client: FlaskClient, email: str, password: str) -> Any:
    return post_form(client, "/login", {"email": email, "password": password})


def _member(app: Flask, role: MemberRole, email: str = "mia@acme-consulting.eu") -> str:
    with app.app_context():
        accounts.add_member(_db.session, 1, "Mia Member", email, "member password 1", role)
        _db.session.remove()
    return email


def test_sign_in_and_failed_sign_in_are_recorded(owner: FlaskClient, app: Flask) -> None:
    post_form(owner, "/logout", {}, form_url="/")
    assert _sign_in(owner, OWNER["email"], "wrong password 123").status_code == 200
    assert _sign_in(owner, "nobody@example.com", "wrong password 123").status_code == 200
    assert _sign_in(owner, OWNER["email"], OWNER["password"]).status_code == 302
    failed = _entries(app, "auth.sign_in_failed")
    assert [(e.actor_label, e.ip, e.details) for e in failed] == [
        (OWNER["email"], "127.0.0.1", {"reason": "password"})
    ]  # the unknown e-mail belongs to no workspace: nothing recorded there
    signed_in = _entries(app, "auth.sign_in")
    assert signed_in[-1].actor_label == OWNER["email"]
    assert signed_in[-1].details == {"method": "password"}
    assert signed_in[-1].created_at > datetime.now(UTC) - timedelta(minutes=5)


def test_changes_are_recorded_with_who_what_and_where(owner: FlaskClient, app: Flask) -> None:
    invite_member(owner, "Mia Member", "mia@acme-consulting.eu", "member password 1", "viewer")
    res = post_form(
        owner,
        "/settings/branding",
        {"firm_name": "Acme Advisors", "primary_color": "#123456", "footer_text": ""},
    )
    assert res.status_code == 302
    client_id = new_client(owner)
    assessment_id = new_assessment(owner, client_id)
    add_people(owner, assessment_id, "Ann Example, ann@example.com, sales_rep")
    open_assessment(owner, assessment_id)
    res = post_form(
        owner,
        f"/assessments/{assessment_id}/data/export",
        {"identity": "identified", "confirm": "y", "shape": "long", "fmt": "csv"},
        form_url=f"/assessments/{assessment_id}/data",
    )
    assert res.status_code == 200, res.get_data(as_text=True)[:500]
    by_event = {e.event: e for e in _entries(app)}
    assert by_event["member.invited"].details == {
        "email": "mia@acme-consulting.eu",
        "role": "viewer",
    }
    assert by_event["member.invited"].actor_label == OWNER["email"]
    joined = by_event["member.joined"]
    assert joined.actor_label == "mia@acme-consulting.eu" and joined.ip == "127.0.0.1"
    assert joined.details["role"] == "viewer"
    assert by_event["settings.branding"].details["changed"] == ["firm_name", "primary_color"]
    status = by_event["assessment.status"]
    assert (status.target, status.details) == (
        f"assessment:{assessment_id}",
        {"from": "draft", "to": "open"},
    )
    export = by_event["export.identified"]
    assert export.target == f"assessment:{assessment_id}" and export.ip == "127.0.0.1"
    assert (export.details["format"], export.details["shape"]) == ("csv", "long")
    # An anonymous export is not a security event.
    post_form(
        owner,
        f"/assessments/{assessment_id}/data/export",
        {"identity": "anonymous", "shape": "long", "fmt": "csv"},
        form_url=f"/assessments/{assessment_id}/data",
    )
    assert len(_entries(app, "export.identified")) == 1, [e.event for e in _entries(app)]


def test_api_token_creation_use_and_revocation(owner: FlaskClient, app: Flask) -> None:
    token = create_token(owner, "BI tool")
    api = app.test_client()
    headers = bearer(token)
    for _ in range(3):  # used three times within a minute: recorded once
        assert api.get("/api/v1/clients", headers=headers).status_code == 200
    created = _entries(app, "api_token.created")
    assert len(created) == 1 and created[0].details["name"] == "BI tool"
    used = _entries(app, "api_token.used")
    assert len(used) == 1 and used[0].actor_id is None and used[0].target == created[0].target
    token_id = int(created[0].target.split(":")[1])
    res = post_form(owner, f"/settings/api-tokens/{token_id}/revoke", {}, form_url="/")
    assert res.status_code == 302
    assert len(_entries(app, "api_token.revoked")) == 1


def test_record_commits_with_the_change_or_not_at_all(app: Flask) -> None:
    with app.app_context():
        session = _db.session
        bind_workspace(session, None)
        accounts.create_workspace_with_owner(session, "Acme", "Olga", "o@acme.eu", "x" * 12)
        bind_workspace(session, 1)
        with pytest.raises(RuntimeError), write_transaction(session):
            audit.record(session, None, "settings.branding", "workspace:1", {"n": 1})
            raise RuntimeError("the change failed")
        assert session.scalar(select(AuditEntry.id)) is None  # rolled back with the change
        audit.record(session, None, "settings.branding", "workspace:1", {"n": 2}, "10.0.0.1")
        session.rollback()  # committed on its own: nothing left to roll back
        entries = list(session.scalars(select(AuditEntry)))
        assert [(e.details, e.ip) for e in entries] == [({"n": 2}, "10.0.0.1")]
        session.remove()


def test_entries_cannot_be_edited_or_deleted(owner: FlaskClient, app: Flask) -> None:
    with app.app_context():
        session = _db.session
        bind_workspace(session, 1)
        audit.record(session, None, "settings.branding", "workspace:1", {"changed": []})
        entry = session.scalar(select(AuditEntry))
        assert entry is not None
        entry_id = entry.id
        # Through the ORM: a changed object, a deleted object, bulk UPDATE and DELETE.
        entry.event = "nothing.happened"
        with pytest.raises(AuditImmutable):
            session.flush()
        session.rollback()
        session.delete(session.get(AuditEntry, entry_id))
        with pytest.raises(AuditImmutable):
            session.flush()
        session.rollback()
        with pytest.raises(AuditImmutable):
            session.execute(update(AuditEntry).values(ip="1.2.3.4"))
        session.rollback()
        with pytest.raises(AuditImmutable):
            session.execute(delete(AuditEntry))
        session.rollback()
        # Past the ORM, in plain SQL: the database trigger refuses the update.
        with pytest.raises(DatabaseError, match="append-only"):
            session.execute(text("UPDATE audit_entry SET event = 'forged'"))
        session.rollback()
        kept = session.get(AuditEntry, entry_id)
        assert kept is not None and kept.event == "settings.branding"
        session.remove()
    # The product offers no way to change an entry: its routes only read.
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("settings.audit"):
            assert rule.methods is not None
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert owner.open("/settings/audit", method=method).status_code == 405


def test_retention_is_the_one_way_entries_go(app: Flask, owner: FlaskClient) -> None:
    with app.app_context():
        session = _db.session
        bind_workspace(session, 1)
        audit.record(session, None, "settings.branding", "workspace:1", {}, "")
        before = len(list(session.scalars(select(AuditEntry))))
        assert before >= 1
        assert audit.purge_before(session, 1, datetime.now(UTC) - timedelta(days=1)) == 0
        assert audit.purge_before(session, 1, datetime.now(UTC) + timedelta(seconds=1)) == before
        assert session.scalar(select(AuditEntry.id)) is None
        # The guard is back on afterwards.
        with pytest.raises(AuditImmutable):
            session.execute(delete(AuditEntry))
        session.remove()


def test_owner_filters_and_exports_formula_safe_csv(owner: FlaskClient, app: Flask) -> None:
    with app.app_context():
        session = _db.session
        bind_workspace(session, 1)
        audit.record(session, None, "export.identified", '=HYPERLINK("http://evil")', {}, "")
        audit.record(session, 1, "report.downloaded", "report_job:7", {"language": "en"}, "")
        session.remove()
    page = owner.get("/settings/audit?event=report.downloaded").get_data(as_text=True)
    assert "report_job:7" in page and "HYPERLINK" not in page
    page = owner.get("/settings/audit").get_data(as_text=True)
    assert "HYPERLINK" in page and "report_job:7" in page
    res = owner.get("/settings/audit.csv")
    assert res.status_code == 200 and res.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(res.get_data().decode("utf-8-sig"))))
    assert rows[0] == list(("time_utc", "user", "user_id", "event", "target", "details", "ip"))
    targets = [row[4] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in targets
    assert "report_job:7" in targets
    # Filtered export, and the export itself is recorded.
    res = owner.get("/settings/audit.csv?event=report.downloaded")
    rows = list(csv.reader(io.StringIO(res.get_data().decode("utf-8-sig"))))
    assert [row[3] for row in rows[1:]] == ["report.downloaded"]
    assert len(_entries(app, "audit.exported")) == 2


def test_pages_paginate(owner: FlaskClient, app: Flask) -> None:
    with app.app_context():
        session = _db.session
        bind_workspace(session, 1)
        with write_transaction(session):
            for i in range(60):
                audit.record(session, None, "settings.branding", f"workspace:{i}", {}, "")
        session.remove()
    first = owner.get("/settings/audit?event=settings.branding").get_data(as_text=True)
    second = owner.get("/settings/audit?event=settings.branding&page=2").get_data(as_text=True)
    assert "workspace:59" in first and "workspace:0<" not in first
    assert "workspace:0<" in second and "workspace:59" not in second
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("role", [MemberRole.CONSULTANT, MemberRole.VIEWER])
def test_only_owners_read_the_trail(owner: FlaskClient, app: Flask, role: MemberRole) -> None:
    email = _member(app, role)
    member = app.test_client()
    assert _sign_in(member, email, "member password 1").status_code == 302
    assert member.get("/settings/audit").status_code == 403
    assert member.get("/settings/audit.csv").status_code == 403


def test_owner_filters_by_member_and_by_date(owner: FlaskClient, app: Flask) -> None:
    """The member and the date fields of the filter, on the page and in the CSV export; the
    'to' date includes that whole day."""
    email = _member(app, MemberRole.CONSULTANT)
    written = {
        "owner-jan": (1, datetime(2026, 1, 10, 12, 0, tzinfo=UTC)),
        "member-jan": (2, datetime(2026, 1, 31, 23, 59, tzinfo=UTC)),
        "owner-feb": (1, datetime(2026, 2, 15, 0, 0, tzinfo=UTC)),
        "member-mar": (2, datetime(2026, 3, 1, 8, 30, tzinfo=UTC)),
    }
    with app.app_context():
        session = _db.session()
        bind_workspace(session, 1)
        with write_transaction(session):
            for target, (user_id, when) in written.items():
                session.add(
                    AuditEntry(
                        workspace_id=1,
                        actor_id=user_id,
                        actor_label=OWNER["email"] if user_id == 1 else email,
                        event="report.downloaded",
                        target=f"t:{target}",
                        details={},
                        created_at=when,
                    )
                )
        _db.session.remove()

    def shown(query: str) -> set[str]:
        res = owner.get(f"/settings/audit?{query}")
        assert res.status_code == 200
        page = res.get_data(as_text=True)
        return {t for t in written if f"t:{t}<" in page}

    assert shown("") == set(written)
    assert shown("user=2") == {"member-jan", "member-mar"}
    assert shown("user=1") == {"owner-jan", "owner-feb"}
    assert shown("since=2026-02-01") == {"owner-feb", "member-mar"}
    assert shown("until=2026-01-31") == {"owner-jan", "member-jan"}
    assert shown("since=2026-02-15&until=2026-02-15") == {"owner-feb"}
    assert shown("user=2&since=2026-02-01&until=2026-03-01") == {"member-mar"}
    assert shown("user=1&since=2026-03-01") == set()
    res = owner.get("/settings/audit.csv?user=2&until=2026-02-28")
    rows = list(csv.reader(io.StringIO(res.get_data().decode("utf-8-sig"))))
    assert [(row[1], row[4]) for row in rows[1:]] == [(email, "t:member-jan")]


def test_a_members_pdf_download_is_recorded(owner: FlaskClient, app: Flask) -> None:
    """Who downloaded which report, from where; a report not ready yet is no download."""
    from assessment.db.models import ReportJob
    from tests.web.conftest import new_assessment, new_client

    aid = new_assessment(owner, new_client(owner))
    email = _member(app, MemberRole.VIEWER)
    viewer = app.test_client()
    viewer.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert _sign_in(viewer, email, "member password 1").status_code == 302
    with app.app_context():
        session = _db.session()
        bind_workspace(session, 1)
        with write_transaction(session):
            done = ReportJob(
                assessment_id=aid, language="pl", edition="board", status="done", pdf=b"%PDF-x"
            )
            waiting = ReportJob(assessment_id=aid, language="en", status="queued")
            session.add_all([done, waiting])
        ids = (done.id, waiting.id)
        _db.session.remove()
    before = len(_entries(app, "report.downloaded"))
    res = viewer.get(f"/assessments/{aid}/report/{ids[1]}/download")
    assert res.status_code == 302 and res.headers["Location"].endswith(f"/report/{ids[1]}")
    assert len(_entries(app, "report.downloaded")) == before
    res = viewer.get(f"/assessments/{aid}/report/{ids[0]}/download")
    assert res.status_code == 200 and res.data == b"%PDF-x"
    entries = _entries(app, "report.downloaded")
    assert len(entries) == before + 1
    entry = entries[-1]
    assert (entry.actor_id, entry.actor_label) == (2, email)
    assert entry.target == f"report_job:{ids[0]}"
    assert entry.details == {"assessment": aid, "language": "pl", "edition": "board"}
    assert entry.ip == "198.51.100.7"


def test_every_event_has_a_label_in_every_language(app: Flask) -> None:
    from assessment.web.settings.audit_labels import EVENT_LABELS, event_label

    assert set(EVENT_LABELS) == set(audit.EVENTS)
    by_lang: dict[str, list[str]] = {}
    for lang in ("en", "pl", "ru", "zh", "ro"):
        with app.test_request_context(headers={"Accept-Language": lang}):
            labels = [event_label(code) for code in audit.EVENTS]
            # An old entry's code that is no longer recorded reads as itself.
            assert event_label("legacy.thing") == "legacy.thing"
        pairs = zip(labels, audit.EVENTS, strict=True)
        assert all(label and label != code for label, code in pairs), lang
        assert len(set(labels)) == len(labels), lang  # no two events read the same
        by_lang[lang] = labels
    assert by_lang["en"][audit.EVENTS.index("member.role_changed")] == "Member's role changed"
    for lang in ("pl", "ru", "zh", "ro"):
        untranslated = set(by_lang["en"]) & set(by_lang[lang])
        assert not untranslated, (lang, sorted(untranslated))


def test_the_page_names_events_in_the_readers_language(owner: FlaskClient, app: Flask) -> None:
    """The table and the filter show labels; the filter, the URL and the CSV keep the code."""
    with app.app_context():
        session = _db.session
        bind_workspace(session, 1)
        audit.record(session, None, "share_link.failed", "share_link:3", {"client": 1}, "")
        audit.record(session, 1, "report.downloaded", "report_job:7", {"language": "en"}, "")
        session.remove()
    page = owner.get("/settings/audit", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'Share link: wrong password <code class="muted small">share_link.failed</code>' in page
    assert 'Report downloaded <code class="muted small">report.downloaded</code>' in page
    assert '<option value="share_link.failed">Share link: wrong password</option>' in page
    assert '<option value="member.invited">Member invited</option>' in page
    page = owner.get("/settings/audit", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert '<html lang="pl">' in page
    assert (
        'Link udostępniania: błędne hasło <code class="muted small">share_link.failed</code>'
        in page
    )
    assert 'Pobrano raport <code class="muted small">report.downloaded</code>' in page
    assert '<option value="share_link.failed">Link udostępniania: błędne hasło</option>' in page
    assert "Share link: wrong password" not in page
    # The filter still filters by the code.
    res = owner.get("/settings/audit?event=share_link.failed", headers={"Accept-Language": "pl"})
    page = res.get_data(as_text=True)
    assert "share_link:3" in page and "report_job:7" not in page
    assert '<option selected value="share_link.failed">Link udostępniania: błędne hasło<' in page
    # The export keeps the stable code, in whatever language the owner reads.
    res = owner.get(
        "/settings/audit.csv?event=share_link.failed", headers={"Accept-Language": "pl"}
    )
    rows = list(csv.reader(io.StringIO(res.get_data().decode("utf-8-sig"))))
    assert rows[0][3] == "event"
    assert [(row[3], row[4]) for row in rows[1:]] == [("share_link.failed", "share_link:3")]
    assert "hasło" not in res.get_data().decode("utf-8-sig")


def test_the_date_filter_is_labelled_as_dates_in_every_language(owner: FlaskClient) -> None:
    """ "From"/"To" are the trend page's version columns; the filter has labels of its own."""
    expected = {
        "en": ("From date", "To date"),
        "pl": ("Od dnia", "Do dnia"),
        "ru": ("Дата с", "Дата по"),
        "zh": ("开始日期", "结束日期"),
        "ro": ("De la data", "Până la data"),
    }
    for lang, (since, until) in expected.items():
        page = owner.get("/settings/audit", headers={"Accept-Language": lang}).get_data(
            as_text=True
        )
        assert f'<html lang="{lang}">' in page
        assert since in page and until in page, lang
        assert "версия" not in page  # Russian "version": the trend page's translation
