"""Version mappings shipped with a questionnaire (``questionnaires/<id>/mappings/*.yaml``)
are used for trends between the versions they name; a workspace's upload for the same
pair takes their place.  ``tests/data/shipped/trendq`` ships trendq 2.0 with a mapping
from 1.0."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessment.core.trends import VersionMap
from assessment.extensions import db
from assessment.io.version_mapping import shipped_mappings
from assessment.services import followups
from assessment.services.assessments import set_status
from assessment.services.trends import client_trend, list_mappings, mapping_index
from tests.conftest import DATA
from tests.web.test_followups_trends import (
    _actor,
    _answer,
    _store_version,
    _token,
    closed_assessment,
)

SHIPPED = DATA / "shipped"
STANDARD = Path(__file__).resolve().parents[2] / "questionnaires"


@pytest.fixture(autouse=True)
def ship_trendq(monkeypatch: pytest.MonkeyPatch) -> None:
    """trendq 2.0 and its mapping are shipped next to the standard questionnaire."""
    monkeypatch.setenv("SALESHEALTH_QUESTIONNAIRES", os.pathsep.join([str(SHIPPED), str(STANDARD)]))


def _chain(app: Flask) -> tuple[int, int, int]:
    """A client with a closed trendq 1.0 assessment followed up on 2.0: (client, first, second)."""
    v1, v2 = _store_version(app, "v1.yaml"), _store_version(app, "v2.yaml")
    first = closed_assessment(app, "Fabrikam", 0.5, version_id=v1)
    with app.app_context():
        started = followups.start_followup(db.session, _actor(), first, "Fabrikam v2", v2)
        second = started.assessment.id
        set_status(db.session, _actor(), second, "open")
        _answer(started.assessment, 1.0)
        set_status(db.session, _actor(), second, "closed")
        cid = started.assessment.client_id
        db.session.remove()
    return cid, first, second


def test_the_shipped_mapping_parses() -> None:
    maps, problems = shipped_mappings([SHIPPED])
    assert problems == []
    assert [(m.from_version, m.to_version, dict(m.elements)) for m in maps] == [
        ("1.0", "2.0", {"b": "bb", "c": None})
    ]


def test_trends_use_the_shipped_mapping(owner: FlaskClient, app: Flask) -> None:
    cid, _first, _second = _chain(app)
    with app.app_context():
        _actor()
        index = mapping_index(db.session)
        assert len(index) == 1 and next(iter(index.values())).elements["b"] == "bb"
        trend = client_trend(db.session, cid)
        (step,) = trend.transitions
        assert step.mapping_used
        listed = [(m.from_label, m.to_label) for m in list_mappings(db.session) if m.shipped]
        # next to the standard questionnaire's own (1.x → 2.0.0, the quick check's)
        assert ("trendq 1.0", "trendq 2.0") in listed
        assert ("sales-quick-check 1.0.0", "sales-org-health 2.0.0") in listed
        db.session.remove()
    html = owner.get(f"/clients/{cid}/trend").get_data(as_text=True)
    assert "matched by stable ids and the uploaded mapping" in html
    table = html.split('id="not-comparable"', 1)[1]
    assert "<code>b.q1</code>" not in table  # renamed by the shipped mapping: comparable
    assert "shipped with the questionnaire" in html


def test_an_uploaded_mapping_for_the_same_pair_wins(owner: FlaskClient, app: Flask) -> None:
    cid, _first, _second = _chain(app)
    own = (DATA / "trends" / "v1-to-v2.yaml").read_text()
    own = own.replace("  b.q1: bb.q1\n", "  b.q1: null\n")  # the workspace drops b.q1
    res = owner.post(
        f"/clients/{cid}/trend/mappings",
        data={
            "csrf_token": _token(owner, f"/clients/{cid}/trend"),
            "upload": (io.BytesIO(own.encode()), "ours.yaml"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Mapping saved" in res.get_data(as_text=True)
    with app.app_context():
        _actor()
        (used,) = mapping_index(db.session).values()
        assert isinstance(used, VersionMap) and used.questions["b.q1"] is None
        db.session.remove()
    table = (
        owner.get(f"/clients/{cid}/trend").get_data(as_text=True).split('id="not-comparable"', 1)[1]
    )
    assert "<code>b.q1</code>" in table  # removed by the workspace's own mapping
