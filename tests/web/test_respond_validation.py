"""A refused answer is explained next to its field, in the respondent's language.

Issue 16, item 6: "999 is outside the allowed range 0..40 godz./mies." reached a Polish
respondent in English, "abc" in a number field was dropped and still got a ✓, and the page
said "Not saved — check your connection" for a validation error.  Both paths are checked:
the autosave (422 with a coded, translated message the page shows next to the field) and
the page's own POST without JavaScript (the message inside the question's fieldset, what
was typed kept).  Ranges read "0–40" with the unit in the respondent's language.
"""

from __future__ import annotations

import html as htmllib
import re

import pytest
from flask.testing import FlaskClient

from assessment.catalogues import translations_for
from assessment.core.loader import find_questionnaire
from assessment.core.model import Question
from assessment.messages import Message
from tests.web.conftest import add_people, csrf_token, new_assessment, new_client, open_assessment

LANGS = ["en", "pl", "ru", "zh", "ro"]
HOURS = "mgmt_rep.coaching_hours"  # a KPI question of page 1 for managers: 0–40 hours/month
TEXT = "mgmt_rep.comments"  # the free-text question of the same page


def _person(owner: FlaskClient, lang: str) -> FlaskClient:
    aid = new_assessment(owner, new_client(owner), language=lang)
    (link,) = add_people(owner, aid, ", , sales_manager")
    open_assessment(owner, aid)
    person = owner.application.test_client()
    person.get(link, headers={"Accept-Language": "en"})  # the browser's language loses
    return person


def _question(lang: str) -> Question:
    return find_questionnaire("sales-org-health", lang=lang).questions()[HOURS]


def _render(lang: str, message: Message) -> str:
    return message.render(translations_for(lang), lang)


def _out_of_range(lang: str, typed: str) -> str:
    unit = _question(lang).unit
    span = Message("respond.range_unit", min=0.0, max=40.0, unit=unit)
    return _render(lang, Message("respond.out_of_range", range=span, value=typed))


def _autosave(person: FlaskClient, payload: dict[str, str]) -> tuple[int, dict[str, object]]:
    token = csrf_token(person, "/respond/page/1")
    res = person.post("/respond/answer", json=payload, headers={"X-CSRFToken": token})
    return res.status_code, res.get_json()


def _english_free(text: str, lang: str) -> None:
    if lang != "en":
        for english in ("outside", "range", "Enter a number", "characters", "you entered"):
            assert english not in text, (lang, text)
    assert ".." not in text


@pytest.mark.parametrize("lang", LANGS)
def test_autosave_explains_a_refused_value_in_the_respondents_language(
    owner: FlaskClient, lang: str
) -> None:
    person = _person(owner, lang)
    for typed in ("99", "-5"):
        status, body = _autosave(person, {"question": HOURS, "value": typed})
        assert status == 422 and body["invalid"] is True and body["field"] == HOURS
        assert body["code"] == "respond.out_of_range"
        assert body["error"] == _out_of_range(lang, typed)
        assert "0–40" in str(body["error"])
        _english_free(str(body["error"]), lang)
    status, body = _autosave(person, {"question": HOURS, "value": "abc"})
    assert (status, body["code"]) == (422, "respond.not_a_number")
    expected = _render(lang, Message("respond.not_a_number", example=2.5, value="abc"))
    assert body["error"] == expected
    _english_free(str(body["error"]), lang)
    status, body = _autosave(person, {"comment": "mgmt_rep", "value": "x" * 5200})
    assert (status, body["code"]) == (422, "respond.text_too_long")
    assert body["error"] == _render(lang, Message("respond.text_too_long", num=5200, max=5000))
    _english_free(str(body["error"]), lang)
    # a valid value is saved (a decimal comma too); autosave.js then clears the message
    assert _autosave(person, {"question": HOURS, "value": "12,5"})[0] == 200


def _fieldset(page: str, qid: str) -> str:
    match = re.search(rf'<fieldset[^>]*data-question="{re.escape(qid)}".*?</fieldset>', page, re.S)
    assert match, qid
    return match.group(0)


@pytest.mark.parametrize("lang", ["pl", "zh"])
def test_the_page_post_shows_each_problem_next_to_its_field(owner: FlaskClient, lang: str) -> None:
    """Without JavaScript: the message sits inside the question, what was typed stays."""
    person = _person(owner, lang)
    page = person.get("/respond/page/1").get_data(as_text=True)
    box = _fieldset(page, HOURS)
    assert 'inputmode="decimal"' in box and 'type="number"' not in box  # "abc" reaches us
    hint = translations_for(lang).gettext("Range: %(range)s") % {"range": "0–40"}
    assert hint in htmllib.unescape(box)
    token = csrf_token(person, "/respond/page/1")
    res = person.post(
        "/respond/page/1",
        data={"csrf_token": token, HOURS: "abc", TEXT: "y" * 5001, "go": "next"},
    )
    assert res.status_code == 422
    page = htmllib.unescape(res.get_data(as_text=True))
    box = _fieldset(page, HOURS)
    assert 'value="abc"' in box and 'aria-invalid="true"' in box
    expected = _render(lang, Message("respond.not_a_number", example=2.5, value="abc"))
    error = re.search(r'<p class="error" id="(err-\d+)">(.*?)</p>', box)
    assert error and error.group(2) == expected
    described = re.search(r'aria-describedby="([^"]+)"', box)
    assert described and error.group(1) in described.group(1).split()
    too_long = _render(lang, Message("respond.text_too_long", num=5001, max=5000))
    box = _fieldset(page, TEXT)
    assert re.search(rf'<p class="error" id="err-\d+">{re.escape(too_long)}</p>', box)
    assert "y" * 5001 in box and "maxlength" not in box  # kept to be shortened, not cut
    res = person.post("/respond/page/1", data={"csrf_token": token, HOURS: "99", "go": "next"})
    box = _fieldset(htmllib.unescape(res.get_data(as_text=True)), HOURS)
    assert _out_of_range(lang, "99") in box


def test_the_page_script_tells_a_correction_from_a_lost_connection(owner: FlaskClient) -> None:
    person = _person(owner, "ro")
    page = htmllib.unescape(person.get("/respond/page/1").get_data(as_text=True))
    ro = translations_for("ro")
    invalid = ro.gettext(
        "Some answers need a correction: see the messages in red. Everything else is saved."
    )
    assert f'data-invalid="{invalid}"' in page
    script = person.get("/static/autosave.js").get_data(as_text=True)
    assert "res.status === 422 && body.invalid" in script and '"invalid"' in script
