"""Errors a Polish (Russian, Chinese, Romanian) user can read.

The main error paths, driven through the web in each language: an out-of-range KPI answer
on the respondent page, a bad bulk respondent list, a bad element override on the
new-assessment form, answering a closed assessment, a refused status change and an API
query error.  Each shows the message in the user's language and no English sentence of the
message catalogue.
"""

from __future__ import annotations

import html as htmllib
import re

import pytest
from flask.testing import FlaskClient

from assessment.catalogues import translations_for
from assessment.messages import Lines, Message, catalogue
from tests.web.conftest import (
    add_people,
    csrf_token,
    new_assessment,
    new_client,
    open_assessment,
    post_form,
)
from tests.web.test_api import bearer, create_token

LANGS = ["pl", "ru", "zh", "ro"]
TAG = re.compile(r"<[^>]+>")


def _english_fragments() -> list[str]:
    """The English wording of every catalogue text (the parts between its parameters)."""
    fragments = set()
    for spec in catalogue().values():
        for text in (spec,) if isinstance(spec, str) else spec:
            for part in re.split(r"%\(\w+\)s", text):
                part = part.strip(" .,:;'\"()…")
                if part.count(" ") >= 1 and len(part) >= 8:
                    fragments.add(part)
    return sorted(fragments)


ENGLISH = _english_fragments()


def _text(fragment: str) -> str:
    return htmllib.unescape(TAG.sub("", fragment)).strip()


def _shown(page: str, pattern: str) -> list[str]:
    return [_text(m) for m in re.findall(pattern, page, re.S)]


def _assert_translated(shown: list[str], expected: str) -> None:
    """``expected`` is among the messages shown, and none of them is English."""
    assert expected in shown, (expected, shown)
    for text in shown:
        english = [f for f in ENGLISH if f in text]
        assert not english, f"English in {text!r}: {english}"


def _render(lang: str, message: Message) -> str:
    return message.render(translations_for(lang), lang)


@pytest.mark.parametrize("lang", LANGS)
def test_main_error_paths_speak_the_users_language(owner: FlaskClient, lang: str) -> None:
    h = {"Accept-Language": lang}
    cid = new_client(owner)
    aid = new_assessment(owner, cid, language=lang)

    # A bad bulk respondent list: every bad line, in the owner's language.
    res = post_form(
        owner,
        f"/assessments/{aid}/respondents/bulk",
        {"people": "Ann, not-an-email, sales_rep\nBob, , nosuchrole"},
        form_url=f"/assessments/{aid}",
        headers=h,
        follow_redirects=True,
    )
    lines = _render(
        lang,
        Message(
            "form.detail",
            detail=Lines(
                [
                    Message(
                        "at",
                        where=Message("where.line", line=1),
                        problem=Message("person.bad_email", email="not-an-email"),
                    ),
                    Message(
                        "at",
                        where=Message("where.line", line=2),
                        problem=Message("people.role", role="nosuchrole", roles=_roles(owner)),
                    ),
                ]
            ),
        ),
    )
    # The list comes back with the text kept and one error line per problem (the form's
    # field errors, since respondents are added with post/redirect/get).
    added = translations_for(lang).gettext("Nothing was added:")
    errors = _shown(res.get_data(as_text=True), r'<p class="error" id="people-err">(.*?)</p>')
    _assert_translated(["\n".join(errors)], f"{added}\n{lines}")

    # A bad element override on the new-assessment form.
    form_url = f"/assessments/new?client_id={cid}"
    page = owner.get(form_url, headers=h).get_data(as_text=True)
    version = re.search(r'name="questionnaire"[^>]*>\s*<option[^>]*value="(\d+)"', page)
    assert version
    res = post_form(
        owner,
        "/assessments/new",
        {
            "client_id": cid,
            "questionnaire": version.group(1),
            "title": "T",
            "language": lang,
            "min_group_size": 3,
            "overrides": "crm: weight=99",
        },
        form_url=form_url,
        headers=h,
    )
    errors = _shown(res.get_data(as_text=True), r'<p class="error"[^>]*>(.*?)</p>')
    weight = Message("overrides.weight", element="crm", max=10.0)
    at_line = Message("at", where=Message("where.line", line=1), problem=weight)
    _assert_translated(errors, _render(lang, at_line))

    # An out-of-range KPI answer on the respondent page (the respondent's language).
    (link,) = add_people(owner, aid, ", , sales_manager")
    open_assessment(owner, aid)
    person = owner.application.test_client()
    person.get(link)
    token = csrf_token(person, "/respond/page/1")
    typed = {"csrf_token": token, "mgmt_rep.coaching_hours": "5000", "go": "next"}
    res = person.post("/respond/page/1", data=typed)
    assert res.status_code == 422
    page = res.get_data(as_text=True)
    unit = re.search(r'name="mgmt_rep.coaching_hours"[^>]*>\s*<span[^>]*>([^<]+)</span>', page)
    out_of_range = Message(
        "respond.out_of_range",
        value="5000",
        range=Message(
            "respond.range_unit", min=0.0, max=40.0, unit=_text(unit.group(1)) if unit else ""
        ),
    )
    shown = _shown(page, r'<p class="error"[^>]*>(.*?)</p>')
    _assert_translated(shown, _render(lang, out_of_range))

    # Answering a closed assessment: the page and the autosave both say why.
    res = post_form(
        owner,
        f"/assessments/{aid}/status",
        {"status": "closed"},
        form_url=f"/assessments/{aid}",
        headers=h,
    )
    assert res.status_code == 302
    res = person.post("/respond/page/1", data={**typed, "mgmt_rep.coaching_hours": "4"})
    assert res.status_code == 409
    not_open = _render(lang, Message("assessment.not_open"))
    notices = _shown(res.get_data(as_text=True), r'<p class="flash flash-error"[^>]*>(.*?)</p>')
    _assert_translated(notices, not_open)
    autosave = person.post(
        "/respond/answer",
        json={"question": "mgmt_rep.coaching_hours", "value": "4"},
        headers={"X-CSRFToken": token},
    )
    assert autosave.status_code == 409
    _assert_translated([autosave.get_json()["error"]], not_open)

    # A refused status change: the error page (and its JSON twin) in the owner's language.
    token = csrf_token(owner, f"/assessments/{aid}")
    res = owner.post(
        f"/assessments/{aid}/status", data={"csrf_token": token, "status": "draft"}, headers=h
    )
    assert res.status_code == 409
    refused = _render(
        lang,
        Message(
            "assessment.transition", current=Message("status.closed"), new=Message("status.draft")
        ),
    )
    _assert_translated(_shown(res.get_data(as_text=True), r"<p>(.*?)</p>"), refused)
    res = owner.post(
        f"/assessments/{aid}/status",
        data={"csrf_token": token, "status": "draft"},
        headers={**h, "Accept": "application/json"},
    )
    body = res.get_json()
    assert body["code"] == "assessment.transition"
    assert body["params"] == {
        "current": _render(lang, Message("status.closed")),
        "new": _render(lang, Message("status.draft")),
    }
    _assert_translated([body["error"]], refused)


def _roles(owner: FlaskClient) -> list[str]:
    from assessment.core.loader import find_questionnaire

    return list(find_questionnaire("sales-org-health").role_ids)


@pytest.mark.parametrize("lang", LANGS)
def test_api_errors_speak_the_requested_language(owner: FlaskClient, lang: str) -> None:
    api = owner.application.test_client()
    h = {**bearer(create_token(owner)), "Accept-Language": lang}
    res = api.get("/api/v1/clients?limit=0&offset=-1", headers=h)
    assert res.status_code == 400
    error = res.get_json()["error"]
    assert error["code"] == "bad_request"
    summary = translations_for(lang).gettext("Some query parameters are not valid.")
    assert error["message"] == summary != "Some query parameters are not valid."
    details = {d["location"]: d["message"] for d in error["details"]}
    assert details == {
        "query.limit": _render(lang, Message("query.greater_than_equal", ge=1)),
        "query.offset": _render(lang, Message("query.greater_than_equal", ge=0)),
    }
    _assert_translated(list(details.values()), details["query.limit"])
    res = api.get("/api/v1/assessments?status=finished", headers=h)
    (detail,) = res.get_json()["error"]["details"]
    expected = _render(lang, Message("query.literal_error", expected=["draft", "open", "closed"]))
    _assert_translated([detail["message"]], expected)
