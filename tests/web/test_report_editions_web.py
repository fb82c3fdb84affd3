"""Report editions on the web: the picker, the board edition's download and file name, the
cache per edition, and the assessment's roadmap setting (PDF and plan agree), CSRF on."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from assessment.db.models import Assessment, PlanItem
from assessment.db.tenancy import bind_workspace
from assessment.extensions import db
from tests.web.conftest import post_form, wait_for_report
from tests.web.test_followups_trends import closed_assessment


def _request(owner: FlaskClient, aid: int, edition: str) -> str:
    res = post_form(
        owner,
        f"/assessments/{aid}/report",
        {"language": "en", "edition": edition},
        form_url=f"/assessments/{aid}/results",
    )
    assert res.status_code == 302, res.status_code
    return str(res.headers["Location"])


def _per_phase(app: Flask, aid: int, value: int) -> None:
    with app.app_context():
        bind_workspace(db.session, 1)
        a = db.session.get(Assessment, aid)
        assert a is not None
        a.roadmap_per_phase = value
        db.session.commit()
        db.session.remove()


def test_the_board_edition_downloads_with_its_own_name_and_pages(
    owner: FlaskClient, app: Flask
) -> None:
    aid = closed_assessment(app, "Northwind", 0.25)
    page = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    assert 'name="edition"' in page and 'value="board"' in page
    url = _request(owner, aid, "board")
    if "/download" not in url:
        assert wait_for_report(owner, url)["status"] == "done"
        url += "/download"
    res = owner.get(url)
    assert res.status_code == 200
    assert re.search(r'filename="[^"]*-board-en\.pdf"', res.headers["Content-Disposition"])
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(res.data)).pages)
    assert "What we recommend" in text and "Decisions for the board" in text
    assert "Appendix: answers to every question" not in text
    # The other edition is another PDF, not the cached board one.
    full = _request(owner, aid, "full")
    assert full != url.removesuffix("/download")
    # An edition that does not exist is refused with the form's message.
    bad = post_form(
        owner,
        f"/assessments/{aid}/report",
        {"language": "en", "edition": "poster"},
        form_url=f"/assessments/{aid}/results",
    )
    assert bad.status_code == 400 and "no report edition" in bad.get_data(as_text=True)


def test_the_roadmap_setting_is_respected_by_the_plan(owner: FlaskClient, app: Flask) -> None:
    aid = closed_assessment(app, "Northwind", 0.25)
    settings = owner.get(f"/assessments/{aid}/settings").get_data(as_text=True)
    assert 'name="roadmap_per_phase"' in settings and 'value="3"' in settings
    _per_phase(app, aid, 1)
    res = post_form(
        owner, f"/assessments/{aid}/plan/roadmap", {}, form_url=f"/assessments/{aid}/results"
    )
    assert res.status_code == 302
    with app.app_context():
        bind_workspace(db.session, 1)
        rows = list(db.session.scalars(select(PlanItem).where(PlanItem.assessment_id == aid)))
        phases = [r.phase for r in rows]
        db.session.remove()
    assert phases and all(phases.count(p) <= 1 for p in set(phases))


def test_the_setting_is_edited_on_the_settings_page(owner: FlaskClient, app: Flask) -> None:
    from tests.web.conftest import new_assessment, new_client

    cid = new_client(owner)
    aid = new_assessment(owner, cid)
    url = f"/assessments/{aid}/settings"
    form = owner.get(url).get_data(as_text=True)
    version = re.search(r'name="questionnaire"[^>]*>\s*<option[^>]*value="(\d+)"', form)
    assert version
    fields = {"client_id": cid, "questionnaire": version.group(1), "title": "Renamed"}
    fields |= {"language": "en", "min_group_size": 3}
    too_many = post_form(owner, url, {**fields, "roadmap_per_phase": 7})
    assert too_many.status_code == 200
    assert "Number must be between 1 and 6" in too_many.get_data(as_text=True)
    saved = post_form(owner, url, {**fields, "roadmap_per_phase": 2})
    assert saved.status_code == 302
    with app.app_context():
        bind_workspace(db.session, 1)
        a = db.session.get(Assessment, aid)
        assert a is not None and a.roadmap_per_phase == 2
        db.session.remove()


def test_the_deck_follows_the_roadmap_setting_too(
    owner: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reports.deck as deck_module

    seen: dict[str, object] = {}
    real = deck_module.build_deck

    def spy(*args: object, **kwargs: object) -> bytes:
        seen.update(kwargs)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(deck_module, "build_deck", spy)
    aid = closed_assessment(app, "Northwind", 0.25)
    _per_phase(app, aid, 2)
    res = post_form(
        owner,
        f"/assessments/{aid}/deck",
        {"language": "en"},
        form_url=f"/assessments/{aid}/results",
    )
    assert res.status_code == 200 and res.data[:2] == b"PK"
    assert seen["per_phase"] == 2
