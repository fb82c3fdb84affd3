"""The shipped quick check (``questionnaires/sales-quick-check``) against the full questionnaire.

Issue 14, "A quick check for sales leaders": about 24-36 items, two or three per element, the
same elements, weights, targets and levels, the same ids *and the same item* wherever an item
is shared, about ten minutes to answer, and a mapping onto the full questionnaire.  These
tests keep the two from drifting apart: a shared item, its translations, or a shared
recommendation's texts changed in one and not in the other fail here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assessment.core.loader import load_questionnaire
from assessment.core.model import Question, Questionnaire
from assessment.io.version_mapping import load_version_mapping

ROOT = Path(__file__).resolve().parents[2] / "questionnaires"
QUICK = ROOT / "sales-quick-check"
FULL = ROOT / "sales-org-health"
LANGUAGES = ("pl", "ru", "zh", "ro")

# The time model of docs/questionnaires.md ("Quick checks"): every word on the way read at
# 200 words a minute, plus seconds to choose an answer by question type, plus a page turn.
WORDS_PER_MINUTE = 200
SECONDS_PER_ANSWER = {"likert": 5, "yes_no": 4, "choice": 7, "number": 20}
SECONDS_PER_PAGE = 3
INTRO_WORDS = 100
"""The self-assessment introduction's own sentences (templates/web/respond/intro.html)."""


@pytest.fixture(scope="module")
def quick() -> Questionnaire:
    return load_questionnaire(QUICK)


@pytest.fixture(scope="module")
def full() -> Questionnaire:
    return load_questionnaire(FULL)


def _words(text: str | None) -> int:
    return len(text.split()) if text else 0


def minutes_to_answer(q: Questionnaire) -> tuple[float, int, int]:
    """(minutes, words to read, seconds spent answering) for one leader answering alone."""
    words = INTRO_WORDS + _words(q.title) + _words(q.description)
    seconds = 0
    scales_read: set[str] = set()
    for el in q.elements:
        words += _words(el.title) + _words(el.description)
        seconds += SECONDS_PER_PAGE
        for question in el.questions:
            words += _words(question.text) + _words(question.help) + _words(question.unit)
            if question.scale:
                if question.scale not in scales_read:  # a repeated scale is read once
                    scales_read.add(question.scale)
                    words += sum(_words(o.label) for o in question.options or ())
            else:
                words += sum(_words(o.label) for o in question.options or ())
            seconds += SECONDS_PER_ANSWER[question.type]
    return words / WORDS_PER_MINUTE + seconds / 60, words, seconds


def test_a_quick_check_that_grows_into_the_full_questionnaire(
    quick: Questionnaire, full: Questionnaire
) -> None:
    assert quick.is_quick_check and quick.grows_into == full.id
    assert 24 <= len(quick.questions()) <= 36
    assert [el.id for el in quick.elements] == [el.id for el in full.elements]
    for el in quick.elements:
        twin = full.element(el.id)
        assert (el.title, el.weight, el.target, el.levels) == (
            twin.title,
            twin.weight,
            twin.target,
            twin.levels,
        )
        assert 2 <= len(el.scored_questions) <= 3, el.id
    assert quick.levels == full.levels
    assert quick.roles == full.roles and quick.min_group_size == full.min_group_size


def test_about_ten_minutes(quick: Questionnaire) -> None:
    minutes, words, seconds = minutes_to_answer(quick)
    print(f"{minutes:.1f} min: {words} words, {seconds} s")
    assert 9 <= minutes <= 11, (minutes, words, seconds)


def _definition(question: Question) -> dict[str, Any]:
    """What makes an item the same item: everything but who is asked."""
    return question.model_dump(exclude={"roles"})


def test_every_item_is_the_full_questionnaires_item(
    quick: Questionnaire, full: Questionnaire
) -> None:
    shared = full.questions()
    for qid, question in quick.questions().items():
        assert qid in shared, f"{qid}: not in {full.id} (give a new item a new id and map it)"
        assert _definition(question) == _definition(shared[qid]), qid
        # a leader answering alone must be able to answer every item
        assert {"executive", "sales_manager"} <= set(question.roles), qid


def test_kpis_name_the_source_of_their_bands(quick: Questionnaire) -> None:
    kpis = [q for q in quick.questions().values() if q.bands]
    assert len(kpis) >= 5
    assert all(q.band_source is not None for q in kpis)


def test_reverse_keyed_items_against_a_rosy_self_view(quick: Questionnaire) -> None:
    """One leader rating their own organization is the respondent most prone to agreeing."""
    reversed_ = [q for q in quick.questions().values() if q.scale == "agree5_reversed"]
    assert len(reversed_) >= 5
    assert len({q.id.split(".")[0] for q in reversed_}) >= 5


def test_recommendations_are_a_focused_subset(quick: Questionnaire, full: Questionnaire) -> None:
    theirs = {r.id: r for el in full.elements for r in el.recommendations}
    ours = [r for el in quick.elements for r in el.recommendations]
    assert len(ours) < len(theirs)
    for el in quick.elements:
        assert el.recommendations, f"{el.id}: no recommendation"
    asked = set(quick.questions())
    for rec in ours:
        twin = theirs[rec.id]
        assert (rec.title, rec.why, rec.actions, rec.effort, rec.impact, rec.horizon) == (
            twin.title,
            twin.why,
            twin.actions,
            twin.effort,
            twin.impact,
            twin.horizon,
        ), rec.id
        assert rec.addresses and set(rec.addresses) <= asked, rec.id
        assert rec.evidence in ("", twin.evidence), rec.id


def _catalogue(folder: Path, lang: str) -> dict[str, Any]:
    data = yaml.safe_load((folder / "i18n" / f"{lang}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("lang", LANGUAGES)
def test_shared_texts_keep_the_full_translations(quick: Questionnaire, lang: str) -> None:
    ours = _catalogue(QUICK, lang)
    theirs = _catalogue(FULL, lang)
    assert ours["roles"] == theirs["roles"] and ours["levels"] == theirs["levels"]
    for scale, labels in ours["scales"].items():
        assert labels == theirs["scales"][scale]
    for el in quick.elements:
        mine, twin = ours["elements"][el.id], theirs["elements"][el.id]
        assert (mine["title"], mine["levels"]) == (twin["title"], twin["levels"])
        assert mine["description"] != twin["description"]  # the quick check's short one
        for qid, texts in mine["questions"].items():
            assert texts == twin["questions"][qid], f"{lang}: {qid}"
        for rid, texts in mine["recommendations"].items():
            expected = dict(twin["recommendations"][rid])
            if "evidence" not in texts:
                expected.pop("evidence", None)
            assert texts == expected, f"{lang}: {rid}"


def test_the_shipped_mapping_lists_every_shared_item(quick: Questionnaire) -> None:
    (path,) = (QUICK / "mappings").glob("*.yaml")
    vmap = load_version_mapping(path)
    assert (vmap.from_id, vmap.from_version) == (quick.id, quick.version)
    assert (vmap.to_id, vmap.to_version) == ("sales-org-health", "2.0.0")
    assert vmap.questions == {qid: qid for qid in quick.questions()}
    assert vmap.elements == {el.id: el.id for el in quick.elements}
