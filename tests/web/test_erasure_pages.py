"""The confirmation pages: what goes is shown, the name must be typed or the box ticked,
viewers are refused, and the data-access export downloads."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.db.models import AuditEntry
from assessment.db.tenancy import bind_workspace
from tests.web.conftest import OWNER, post_form
from tests.web.erasure_data import build, diff, table_counts


def test_delete_client_needs_the_name(owner: FlaskClient, db: Any) -> None:
    built = build(db, 1)
    db.remove()
    url = f"/clients/{built.client}/delete"
    page = owner.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Northwind Traders" in html and "Respondents" in html
    assert "Action plan items" in html and "Notes on action plan items" in html
    before = table_counts(db)
    res = post_form(owner, url, {"confirm": "Northwind"})
    assert res.status_code == 200 and "name" in res.get_data(as_text=True)
    db.rollback()
    assert table_counts(db) == before
    res = post_form(owner, url, {"confirm": "Northwind Traders"})
    assert res.status_code == 302
    db.rollback()
    assert diff(before, table_counts(db))["client"] == 1
    assert owner.get(f"/clients/{built.client}").status_code == 404


def test_erase_respondent_needs_the_box(owner: FlaskClient, db: Any) -> None:
    built = build(db, 1)
    db.remove()
    rid = built.people[built.first][0]
    url = f"/assessments/{built.first}/respondents/{rid}/erase"
    assert "Person R0001" in owner.get(url).get_data(as_text=True)
    before = table_counts(db)
    res = post_form(owner, url, {})
    assert res.status_code == 200
    db.rollback()
    assert table_counts(db) == before
    res = post_form(owner, url, {"confirm": "y"})
    assert res.status_code == 302
    db.rollback()
    assert diff(before, table_counts(db))["respondent"] == 1
    assert "Person R0001" not in owner.get(f"/assessments/{built.first}").get_data(as_text=True)


def test_anonymize_and_delete_assessment_pages(owner: FlaskClient, db: Any) -> None:
    built = build(db, 1)
    db.remove()
    show = owner.get(f"/assessments/{built.first}").get_data(as_text=True)
    assert f"/assessments/{built.first}/anonymize" in show
    page = owner.get(f"/assessments/{built.first}/anonymize").get_data(as_text=True)
    assert "who own 2 item(s) of this round&#39;s action plan" in page
    assert "PDF reports" in page
    res = post_form(owner, f"/assessments/{built.first}/anonymize", {"confirm": "y"})
    assert res.status_code == 302
    assert "Person R0002" not in owner.get(f"/assessments/{built.first}").get_data(as_text=True)
    assert owner.get(f"/assessments/{built.followup}/anonymize").status_code == 409
    res = post_form(owner, f"/assessments/{built.first}/delete", {"confirm": "Baseline 2026"})
    assert res.status_code == 302
    assert owner.get(f"/assessments/{built.first}").status_code == 404


def test_data_access_download(owner: FlaskClient, db: Any) -> None:
    built = build(db, 1)
    db.remove()
    rid = built.people[built.other][1]
    res = owner.get(f"/assessments/{built.other}/respondents/{rid}/data")
    assert res.status_code == 200
    assert "attachment" in res.headers["Content-Disposition"]
    assert res.headers["Cache-Control"] == "no-store"
    data = res.get_json()
    assert data["person"]["name"] == "Person R0002"
    assert data["client"] == "Contoso"
    db.rollback()
    bind_workspace(db, 1)
    (entry,) = db.scalars(select(AuditEntry).where(AuditEntry.event == "export.identified"))
    assert (entry.target, entry.actor_label, entry.ip) == (
        f"respondent:{rid}",
        OWNER["email"],
        "127.0.0.1",
    )


def test_retention_settings_page(owner: FlaskClient, db: Any) -> None:
    res = post_form(
        owner,
        "/settings/privacy",
        {"identities_days": "90", "files_days": "30", "audit_days": ""},
    )
    assert res.status_code == 302
    page = owner.get("/settings/privacy").get_data(as_text=True)
    assert 'value="90"' in page and 'value="30"' in page
    res = post_form(owner, "/settings/privacy", {"identities_days": "0"})
    assert res.status_code == 200
    # The saved change is in the audit trail: who, from where, the periods before and after;
    # the refused one is not.
    db.rollback()
    bind_workspace(db, 1)
    (entry,) = db.scalars(select(AuditEntry).where(AuditEntry.event == "settings.retention"))
    assert entry.actor_label == OWNER["email"] and entry.ip == "127.0.0.1"
    assert entry.details["old"]["retain_identities_days"] is None
    assert entry.details["new"] == {
        "retain_identities_days": 90,
        "retain_files_days": 30,
        "retain_audit_days": None,
    }
    filtered = owner.get("/settings/audit?event=settings.retention").get_data(as_text=True)
    assert "1 entry" in filtered
    assert (
        'Retention periods changed <code class="muted small">settings.retention</code>' in filtered
    )
