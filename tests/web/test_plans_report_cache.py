"""A plan change makes a new PDF: the plan and the follow-through are part of the report's
fingerprint (services/report_cache.py)."""

from __future__ import annotations

from assessment.extensions import db
from assessment.services import plans
from tests.web.test_report_cache import FakeRenderer, Setup, _download, renderer, setup  # noqa: F401


def test_plan_items_and_notes_make_a_new_render(setup: Setup, renderer: FakeRenderer) -> None:  # noqa: F811
    s = db.session
    _download(setup)
    assert _download(setup).cached
    item = plans.add_item(s, setup.actor, setup.aid, plans.ItemData(title="Weekly pipeline review"))
    assert _download(setup).new
    plans.add_note(s, setup.actor, item.id, "Started on Monday.")
    assert _download(setup).new
    # a change to the previous round's plan changes the follow-through of this one
    plans.add_item(s, setup.actor, setup.baseline, plans.ItemData(title="Coaching rhythm"))
    assert _download(setup).new
    assert _download(setup).cached
    assert len(renderer.calls) == 4
