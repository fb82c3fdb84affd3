"""The PowerPoint deck from the web (issue 15, "PowerPoint deck"): a button next to the PDF
form on the results page (and the guest's), built at once in the chosen language, only for
members of the workspace (and the client's guests, by the guest's rules), audited."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from pptx import Presentation
from sqlalchemy import select

from assessment.db.models import AuditEntry
from assessment.db.tenancy import unscoped
from assessment.extensions import db
from reports.formats import MEDIA_TYPES, PPTX
from tests.web.conftest import add_people, new_assessment, new_client, open_assessment, post_form
from tests.web.test_flow import answer_all


def _answered(owner: FlaskClient) -> int:
    aid = new_assessment(owner, new_client(owner, "Northwind Distribution"))
    links = add_people(owner, aid, ", , sales_rep\n, , sales_rep\n, , sales_rep\n, , executive")
    open_assessment(owner, aid)
    for link in links:
        answer_all(owner.application.test_client(), link)
    return aid


def _deck(client: FlaskClient, url: str, form_url: str, lang: str) -> object:
    return post_form(client, url, {"language": lang}, form_url=form_url)


def test_results_page_offers_the_deck_and_it_downloads(owner: FlaskClient, app: Flask) -> None:
    aid = _answered(owner)
    page = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    assert f'formaction="/assessments/{aid}/deck"' in page and "Download PowerPoint" in page
    res = post_form(
        owner,
        f"/assessments/{aid}/deck",
        {"language": "pl"},
        form_url=f"/assessments/{aid}/results",
    )
    assert res.status_code == 200, res.get_data(as_text=True)[:500]
    assert res.mimetype == MEDIA_TYPES[PPTX]
    disposition = res.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith('-pl.pptx"')
    assert res.headers["Cache-Control"] == "private, no-store"
    deck = Presentation(io.BytesIO(res.get_data()))
    assert 10 <= len(deck.slides) <= 14
    text = " ".join(
        shape.text_frame.text for shape in deck.slides[1].shapes if shape.has_text_frame
    )
    assert "Kluczowy wniosek".upper() in text  # the Polish deck
    with app.app_context(), unscoped(db.session):
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.event == "report.downloaded"))
        assert entry is not None
        assert entry.details == {"assessment": aid, "language": "pl", "format": "pptx"}
        db.session.remove()


def test_deck_refuses_unknown_languages_other_workspaces_and_strangers(
    owner: FlaskClient, app: Flask
) -> None:
    aid = _answered(owner)
    bad = post_form(
        owner,
        f"/assessments/{aid}/deck",
        {"language": "xx"},
        form_url=f"/assessments/{aid}/results",
    )
    assert bad.status_code == 400
    anonymous = app.test_client()
    assert anonymous.post(f"/assessments/{aid}/deck", data={"language": "en"}).status_code in (
        302,
        400,
    )
    from tests.web.test_tenancy import _second_workspace

    rival = _second_workspace(app)
    res = post_form(rival, f"/assessments/{aid}/deck", {"language": "en"}, form_url="/")
    assert res.status_code == 404


def test_guest_downloads_the_deck_of_a_closed_assessment(owner: FlaskClient, app: Flask) -> None:
    from tests.web.guests import enter_as_guest, share_link
    from tests.web.test_followups_trends import closed_assessment
    from tests.web.test_guest_access import _client_of

    aid = closed_assessment(app, "Contoso", 0.5)
    guest = enter_as_guest(app, share_link(owner, _client_of(app, aid)))
    page = guest.get(f"/guest/assessments/{aid}").get_data(as_text=True)
    assert f'formaction="/guest/assessments/{aid}/deck"' in page
    res = post_form(guest, f"/guest/assessments/{aid}/deck", {"language": "en"}, form_url="/guest/")
    assert res.status_code == 200 and res.mimetype == MEDIA_TYPES[PPTX]
    assert len(Presentation(io.BytesIO(res.get_data())).slides) >= 10
    # The member route is not the guest's.
    member = post_form(guest, f"/assessments/{aid}/deck", {"language": "en"}, form_url="/guest/")
    assert member.status_code == 404
