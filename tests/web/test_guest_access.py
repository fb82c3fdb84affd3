"""Client guest access: share links, the guest's read-only pages, comments, revocation.

Route by route isolation of a guest session is in tests/security/test_route_isolation.py;
the password rate limit in tests/security/test_rate_limits.py.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.core.disclosure import comments_disclosed, for_guest, withhold_comments
from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import (
    AuditEntry,
    ElementComment,
    ReportJob,
    Respondent,
    ShareLink,
)
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db
from assessment.services import report_jobs, share_links
from assessment.services.actor import Actor
from assessment.services.assessments import get_assessment
from assessment.services.errors import Conflict, Invalid, PermissionDenied
from tests.web.conftest import post_form
from tests.web.guests import GUEST_PASSWORD, enter_as_guest, share_link
from tests.web.test_followups_trends import _actor, _chain, closed_assessment

HREF = re.compile(r'href="(/[^"#?]*)')


def _events(app: Flask, name: str) -> list[AuditEntry]:
    with app.app_context(), unscoped(db.session):
        rows = list(
            db.session.scalars(
                select(AuditEntry).where(AuditEntry.event == name).order_by(AuditEntry.id)
            )
        )
        db.session.expunge_all()
        return rows


def _client_of(app: Flask, assessment_id: int) -> int:
    with app.app_context():
        _actor()
        cid = get_assessment(db.session, assessment_id).client_id
        db.session.remove()
    return cid


def _comment(app: Flask, assessment_id: int, text: str) -> None:
    """The first respondent of the assessment comments on the first element."""
    with app.app_context():
        _actor()
        s = db.session
        respondent = s.scalar(
            select(Respondent).where(Respondent.assessment_id == assessment_id).limit(1)
        )
        assert respondent is not None
        with write_transaction(s):
            s.add(ElementComment(respondent_id=respondent.id, element_id="strategy", text=text))
        s.remove()


def test_consultant_shares_and_guest_reads_closed_results(owner: FlaskClient, app: Flask) -> None:
    cid, _first, second = _chain(app)
    _comment(app, second, "Quotas are set too late in the year.")
    page = owner.get(f"/clients/{cid}").get_data(as_text=True)
    assert "Guest access for the client" in page and "No share link yet." in page
    link = share_link(owner, cid)
    created = _events(app, "share_link.created")
    assert len(created) == 1 and created[0].actor_label == "owner@acme-consulting.eu"
    assert created[0].details == {"client": cid, "days": 30}
    # The password step names nothing of the client.
    guest = app.test_client()
    entry = guest.get(link)
    assert entry.status_code == 200 and "Contoso" not in entry.get_data(as_text=True)
    wrong = post_form(guest, link, {"password": "not the password"})
    assert wrong.status_code == 200 and "The password is wrong." in wrong.get_data(as_text=True)
    assert [e.details for e in _events(app, "share_link.failed")] == [{"client": cid}]
    guest = enter_as_guest(app, link)
    used = _events(app, "share_link.used")
    assert len(used) == 1 and used[0].actor_id is None and used[0].ip == "127.0.0.1"

    home = guest.get("/guest/").get_data(as_text=True)
    expiry = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y")
    assert "Contoso" in home and "Contoso check" in home and "Contoso again" in home
    assert "Read-only access until" in home and expiry in home
    assert "/guest/trend" in home
    results = guest.get(f"/guest/assessments/{second}")
    html = results.get_data(as_text=True)
    assert results.status_code == 200 and "Overall health" in html
    assert "Change since Contoso check" in html  # the chain's previous one is closed too
    assert "Quotas are set too late in the year." in html  # 3 respondents, group size 3
    assert "Portfolio benchmark" not in html  # built from other clients: not for guests
    # Every link on the guest's pages stays inside the guest area.
    trend = guest.get("/guest/trend").get_data(as_text=True)
    assert "Trend across assessments" in trend and "Version mappings" not in trend
    for body in (home, html, trend):
        assert {h for h in HREF.findall(body) if not h.startswith(("/guest/", "/static/"))} == set()
    # The member pages of the same client are not there for a guest.
    assert guest.get(f"/clients/{cid}").status_code == 404
    assert guest.get(f"/assessments/{second}/results").status_code == 404
    assert guest.get("/").status_code == 404


def test_guest_sees_closed_assessments_of_its_client_only(owner: FlaskClient, app: Flask) -> None:
    closed = closed_assessment(app, "Contoso", 0.5)
    cid = _client_of(app, closed)
    with app.app_context():
        actor = _actor()
        from assessment.services.assessments import (
            AssessmentSettings,
            create_assessment,
            set_status,
        )
        from tests.web.conftest import shipped_version_id

        live = create_assessment(
            db.session,
            actor,
            cid,
            shipped_version_id(db.session),
            AssessmentSettings(title="Still answering"),
        )
        set_status(db.session, actor, live.id, "open")
        live_id = live.id
        db.session.remove()
    other = closed_assessment(app, "Fabrikam", 0.5)
    guest = enter_as_guest(app, share_link(owner, cid))
    home = guest.get("/guest/").get_data(as_text=True)
    assert "Contoso check" in home and "Still answering" not in home and "Fabrikam" not in home
    assert guest.get(f"/guest/assessments/{closed}").status_code == 200
    # Live results could reveal one person's answers between two visits: closed only.
    assert guest.get(f"/guest/assessments/{live_id}").status_code == 404
    assert guest.get(f"/guest/assessments/{other}").status_code == 404


def test_comments_are_withheld_below_the_minimum_group_size(owner: FlaskClient, app: Flask) -> None:
    aid = closed_assessment(app, "Tiny team", 0.5)
    with app.app_context():
        _actor()
        s = db.session
        gone = s.scalar(select(Respondent).where(Respondent.assessment_id == aid).limit(1))
        assert gone is not None
        with write_transaction(s):
            s.delete(gone)  # two respondents left; the minimum group size is 3
        s.remove()
    _comment(app, aid, "Only my manager ever sees the forecast.")
    guest = enter_as_guest(app, share_link(owner, _client_of(app, aid)))
    html = guest.get(f"/guest/assessments/{aid}").get_data(as_text=True)
    assert "Only my manager" not in html
    assert "Comments are not shown: this assessment has fewer respondents" in html
    member = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    assert "Only my manager ever sees the forecast." in member  # the consultant reads it


def test_disclosure_rule(app: Flask, owner: FlaskClient) -> None:
    aid = closed_assessment(app, "Rule", 0.5)
    _comment(app, aid, "a comment")
    with app.app_context():
        _actor()
        from assessment.services.assessments import compute_results, questionnaire_of

        assessment = get_assessment(db.session, aid)
        results = compute_results(db.session, assessment)
        q = questionnaire_of(assessment)
        db.session.remove()
    assert results.respondents == 3 == results.min_group_size
    assert comments_disclosed(results) and for_guest(results) == (results, False)
    small = replace(results, respondents=2)
    shown, withheld = for_guest(small)
    assert withheld and all(not el.comments for el in shown.elements)
    assert shown.overall == small.overall and shown.elements[0].score == small.elements[0].score
    assert all(not el.comments for el in withhold_comments(results).elements)
    # The report prints the comments it is given: a member's report has this one.
    import datetime as dt

    from reports.render import build_html
    from reports.viewmodel import ReportMeta

    meta = ReportMeta("Rule", "Rule check", dt.date(2026, 12, 1))
    assert "a comment" in build_html(small, q, meta)
    assert "a comment" not in build_html(shown, q, meta)


def test_revoked_link_ends_the_guest_session_at_once(owner: FlaskClient, app: Flask) -> None:
    aid = closed_assessment(app, "Contoso", 0.5)
    cid = _client_of(app, aid)
    link = share_link(owner, cid)
    guest = enter_as_guest(app, link)
    assert guest.get("/guest/").status_code == 200
    page = owner.get(f"/clients/{cid}").get_data(as_text=True)
    revoke = re.search(rf"/clients/{cid}/share-links/(\d+)/revoke", page)
    assert revoke, page
    res = post_form(owner, revoke.group(0), {}, form_url=f"/clients/{cid}")
    assert res.status_code == 302
    ended = guest.get("/guest/")
    assert ended.status_code == 404 and "Your access has ended" in ended.get_data(as_text=True)
    assert guest.get(f"/guest/assessments/{aid}").status_code == 404
    assert app.test_client().get(link).status_code == 404
    revoked = _events(app, "share_link.revoked")
    assert len(revoked) == 1 and revoked[0].target == f"share_link:{revoke.group(1)}"
    assert "revoked" in owner.get(f"/clients/{cid}").get_data(as_text=True)


def test_expiry_default_maximum_and_end(owner: FlaskClient, app: Flask) -> None:
    aid = closed_assessment(app, "Contoso", 0.5)
    cid = _client_of(app, aid)
    form = owner.get(f"/clients/{cid}/share-links/new").get_data(as_text=True)
    assert 'name="days"' in form and 'value="30"' in form
    res = post_form(
        owner,
        f"/clients/{cid}/share-links/new",
        {"password": GUEST_PASSWORD, "confirm": GUEST_PASSWORD, "days": 181},
    )
    assert res.status_code == 200 and "/s/" not in res.get_data(as_text=True)
    with app.app_context():
        actor = _actor()
        with pytest.raises(Invalid):
            share_links.create_link(db.session, actor, cid, "", GUEST_PASSWORD, 181)
        with pytest.raises(Invalid):
            share_links.create_link(db.session, actor, cid, "", "short", 30)
        viewer = Actor(actor.user_id, actor.workspace_id, role=type(actor.role)("viewer"))
        with pytest.raises(PermissionDenied):
            share_links.create_link(db.session, viewer, cid, "", GUEST_PASSWORD, 30)
        old = share_links.create_link(
            db.session,
            actor,
            cid,
            "",
            GUEST_PASSWORD,
            1,
            now=datetime.now(UTC) - timedelta(days=2),
        )
        longest = share_links.create_link(db.session, actor, cid, "", GUEST_PASSWORD, 180)
        assert longest.info.expires_at - longest.info.created_at == timedelta(days=180)
        db.session.remove()
    assert app.test_client().get(f"/s/{old.token}").status_code == 404
    assert app.test_client().get(f"/s/{longest.token}").status_code == 200


def test_tokens_and_passwords_are_stored_hashed(owner: FlaskClient, app: Flask) -> None:
    aid = closed_assessment(app, "Contoso", 0.5)
    link = share_link(owner, _client_of(app, aid))
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    with app.app_context(), unscoped(db.session):
        row = db.session.scalar(select(ShareLink))
        assert row is not None
        assert row.token_hash == share_links.token_hash(token) and token not in row.token_hash
        assert row.password_hash.startswith("scrypt:") and GUEST_PASSWORD not in row.password_hash


def test_guest_reports_are_deduplicated_capped_and_their_own(
    owner: FlaskClient, app: Flask
) -> None:
    """A guest's PDF request makes a guest job (reused while identical, at most two in flight
    per link); members' reports, rendered with every comment, are not handed to guests."""
    first = closed_assessment(app, "Contoso", 0.5)
    cid = _client_of(app, first)
    guest = enter_as_guest(app, share_link(owner, cid))
    with app.app_context():
        _actor()
        s = db.session
        link_id = s.scalar(select(ShareLink.id))
        assert link_id is not None
        a = get_assessment(s, first)
        one = report_jobs.request_guest_report(s, link_id, a, "en")
        assert one.new and one.job.guest_link_id == link_id and one.job.requested_by_id is None
        assert report_jobs.request_guest_report(s, link_id, a, "en").job.id == one.job.id
        assert report_jobs.request_guest_report(s, link_id, a, "pl").new
        with pytest.raises(Conflict):
            report_jobs.request_guest_report(s, link_id, a, "ro")
        with pytest.raises(Invalid):
            report_jobs.request_guest_report(s, link_id, a, "xx")
        with write_transaction(s):
            one.job.status, one.job.pdf, one.job.finished_at = "done", b"%PDF-1.7", utcnow()
            member_job = ReportJob(assessment_id=first, status="done", pdf=b"%PDF-1.7 all")
            s.add(member_job)
        # A finished guest report is handed out again instead of rendering anew.
        assert report_jobs.request_guest_report(s, link_id, a, "en").job.id == one.job.id
        ids = (one.job.id, member_job.id)
        s.remove()
    base = f"/guest/assessments/{first}/report"
    assert guest.get(f"{base}/{ids[0]}/download").data == b"%PDF-1.7"
    assert guest.get(f"{base}/{ids[1]}").status_code == 404
    assert guest.get(f"{base}/{ids[1]}/download").status_code == 404
    assert owner.get(f"/assessments/{first}/report/{ids[1]}/download").status_code == 200
    downloaded = _events(app, "report.downloaded")
    assert len(downloaded) == 2 and downloaded[0].actor_id is None
    assert downloaded[0].details == {"assessment": first, "language": "en", "share_link": link_id}


def test_guest_pdf_has_no_comments_below_the_group_size(owner: FlaskClient, app: Flask) -> None:
    """Rendered for real: the guest's PDF leaves out a comment the consultant's PDF keeps."""
    import io

    from pypdf import PdfReader

    aid = closed_assessment(app, "Tiny team", 0.5)
    with app.app_context():
        _actor()
        s = db.session
        gone = s.scalar(select(Respondent).where(Respondent.assessment_id == aid).limit(1))
        assert gone is not None
        with write_transaction(s):
            s.delete(gone)
        s.remove()
    _comment(app, aid, "Zebra crossings everywhere in our pipeline")
    guest = enter_as_guest(app, share_link(owner, _client_of(app, aid)))
    res = post_form(
        guest, f"/guest/assessments/{aid}/report", {"language": "en"}, form_url="/guest/"
    )
    url = res.headers["Location"]
    deadline = datetime.now(UTC) + timedelta(seconds=240)
    while datetime.now(UTC) < deadline:
        page = guest.get(url).get_data(as_text=True)
        if "Download PDF" in page or "could not be created" in page:
            break
        time.sleep(0.5)
    pdf = guest.get(url + "/download")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert "Tiny team check" in text and "Zebra crossings" not in text
    again = post_form(
        guest, f"/guest/assessments/{aid}/report", {"language": "en"}, form_url="/guest/"
    )
    assert again.headers["Location"] == url  # finished today: the same file again


def test_guest_scope_binds_the_link_workspace(owner: FlaskClient, app: Flask) -> None:
    aid = closed_assessment(app, "Contoso", 0.5)
    cid = _client_of(app, aid)
    share_link(owner, cid)
    with app.app_context():
        s = db.session
        with unscoped(s):
            row = s.scalar(select(ShareLink))
            assert row is not None
            scope = share_links.guest_scope(s, row.id)
        assert scope is not None and (scope.client_id, scope.client_name) == (cid, "Contoso")
        bind_workspace(s, None)
        s.remove()


def test_a_guest_session_lasts_twelve_hours(owner: FlaskClient, app: Flask) -> None:
    aid = closed_assessment(app, "Contoso", 0.5)
    guest = enter_as_guest(app, share_link(owner, _client_of(app, aid)))
    assert guest.get("/guest/").status_code == 200
    with guest.session_transaction() as state:
        state["guest"] = {**state["guest"], "at": state["guest"]["at"] - 11 * 3600 - 3000}
    assert guest.get("/guest/").status_code == 200  # 11 h 50 min after the password
    with guest.session_transaction() as state:
        state["guest"] = {**state["guest"], "at": state["guest"]["at"] - 1200}
    ended = guest.get("/guest/")  # 12 h 10 min: the password is asked again
    assert ended.status_code == 404 and "Your access has ended" in ended.get_data(as_text=True)


def test_deleting_the_client_deletes_its_links(owner: FlaskClient, app: Flask) -> None:
    aid = closed_assessment(app, "Contoso", 0.5)
    cid = _client_of(app, aid)
    link = share_link(owner, cid)
    guest = enter_as_guest(app, link)
    preview = owner.get(f"/clients/{cid}/delete").get_data(as_text=True)
    assert "Share links" in preview
    res = post_form(owner, f"/clients/{cid}/delete", {"confirm": "Contoso"})
    assert res.status_code == 302
    with app.app_context(), unscoped(db.session):
        assert db.session.scalar(select(ShareLink.id)) is None
    assert guest.get("/guest/").status_code == 404
    assert app.test_client().get(link).status_code == 404
