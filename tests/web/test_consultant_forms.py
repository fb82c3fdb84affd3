"""The smaller consultant-page fixes: a clean first visit, override help and errors all at
once, Cancel on every form, a colour picker, and adding people first on a draft."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.web.conftest import csrf_token, new_assessment, new_client, open_assessment, post_form
from tests.web.test_i18n import visible_text

BAD_OVERRIDES = "crm: weight=99\nbogus: target=50\nno colon here\nwin_loss: weight=x target=120"


def test_first_visit_shows_the_setup_form_without_a_sign_in_notice(client: FlaskClient) -> None:
    page = client.get("/", follow_redirects=True)
    assert page.request.path == "/setup"
    text = page.get_data(as_text=True)
    assert "Create workspace" in text or "workspace" in text.lower()
    assert "Please log in" not in text and 'class="flash' not in text
    # Later visits still say why the sign-in page is shown.
    from tests.web.conftest import sign_up_owner

    sign_up_owner(client)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    later = client.get("/clients/", follow_redirects=True).get_data(as_text=True)
    assert "Please log in" in later


def _errors(page: str) -> list[str]:
    return [visible_text(e).strip() for e in re.findall(r'<p class="error"[^>]*>(.*?)</p>', page)]


def test_new_assessment_lists_element_ids_and_every_override_error(owner: FlaskClient) -> None:
    cid = new_client(owner)
    form = owner.get(f"/assessments/new?client_id={cid}").get_data(as_text=True)
    assert "Element ids, default weights and targets" in form
    for element_id in ("mgmt_rep", "crm", "win_loss", "top_performers"):
        assert f"<code>{element_id}</code>" in form
    version = re.search(r'name="questionnaire"[^>]*>\s*<option[^>]*value="(\d+)"', form)
    assert version
    res = post_form(
        owner,
        "/assessments/new",
        {
            "client_id": cid,
            "questionnaire": version.group(1),
            "title": "Overrides",
            "language": "en",
            "min_group_size": 3,
            "overrides": BAD_OVERRIDES,
        },
        form_url=f"/assessments/new?client_id={cid}",
    )
    assert res.status_code == 200
    page = res.get_data(as_text=True)
    errors = _errors(page)
    assert errors == [
        "line 3: expected 'element: weight=N target=N'",
        "line 4: 'weight=x' is not key=number",
        "line 1: crm: weight must be between 0 and 10",
        "line 2: unknown element 'bogus'",
        "line 4: win_loss: target must be between 0 and 100",
    ], errors
    assert "no colon here" in page  # what was typed is kept
    assert "<details open>" in page  # the element ids are shown next to the errors


def test_settings_report_every_override_error(owner: FlaskClient) -> None:
    cid = new_client(owner)
    aid = new_assessment(owner, cid)
    url = f"/assessments/{aid}/settings"
    form = owner.get(url).get_data(as_text=True)
    version = re.search(r'name="questionnaire"[^>]*>\s*<option[^>]*value="(\d+)"', form)
    assert version
    fields = {"client_id": cid, "questionnaire": version.group(1), "title": "Renamed"}
    fields |= {"language": "en", "min_group_size": 3}
    res = post_form(owner, url, {**fields, "overrides": BAD_OVERRIDES})
    assert res.status_code == 200
    assert len(_errors(res.get_data(as_text=True))) == 5
    one = post_form(owner, url, {**fields, "overrides": "crm: weight=99"})
    assert _errors(one.get_data(as_text=True)) == ["line 1: crm: weight must be between 0 and 10"]


def test_every_form_page_has_cancel(owner: FlaskClient) -> None:
    cid = new_client(owner)
    aid = new_assessment(owner, cid)
    index = owner.get("/questionnaires/").get_data(as_text=True)
    vid = re.search(r'href="/questionnaires/(\d+)"', index)
    assert vid
    pages = {
        "/clients/new": "/clients/",
        f"/clients/{cid}/edit": f"/clients/{cid}",
        f"/assessments/new?client_id={cid}": f"/clients/{cid}",
        "/assessments/new": "/",
        f"/assessments/{aid}/settings": f"/assessments/{aid}",
        f"/assessments/{aid}/profile": f"/assessments/{aid}",
        f"/clients/{cid}/share-links/new": f"/clients/{cid}",
        f"/assessments/{aid}/facts": f"/assessments/{aid}",
        f"/assessments/{aid}/evidence": f"/assessments/{aid}",
        f"/assessments/{aid}/data": f"/assessments/{aid}",
        f"/assessments/{aid}/data/import": f"/assessments/{aid}",
        "/self-assessment": "/",
        "/settings/branding": "/",
        "/settings/privacy": "/",
        "/settings/two-factor": "/",
        "/account/password": "/",
        "/questionnaires/upload": "/questionnaires/",
        f"/questionnaires/{vid.group(1)}/clone": f"/questionnaires/{vid.group(1)}",
        f"/questionnaires/{vid.group(1)}/edit": f"/questionnaires/{vid.group(1)}",
        "/questionnaires/write": "/questionnaires/",
    }
    for url, back in pages.items():
        page = owner.get(url).get_data(as_text=True)
        assert f'<a class="button secondary" href="{back}">Cancel</a>' in page, url


def test_branding_colour_has_a_picker_and_a_text_field(owner: FlaskClient) -> None:
    page = owner.get("/settings/branding").get_data(as_text=True)
    assert re.search(r'<input type="color" id="primary_color_picker" value="#[0-9a-f]{6}"', page)
    assert 'data-colour-picker="primary_color_picker"' in page
    assert "/static/colour.js" in page
    assert owner.get("/static/colour.js").status_code == 200
    bad = post_form(owner, "/settings/branding", {"firm_name": "Acme", "primary_color": "blue"})
    assert bad.status_code == 200 and "Use a colour like" in bad.get_data(as_text=True)
    good = post_form(owner, "/settings/branding", {"firm_name": "Acme", "primary_color": "#AA3300"})
    assert good.status_code == 302
    saved = owner.get("/settings/branding").get_data(as_text=True)
    assert 'value="#AA3300"' in saved


def test_add_respondent_comes_before_crm_and_data_on_a_draft(owner: FlaskClient) -> None:
    aid = new_assessment(owner, new_client(owner))
    draft = owner.get(f"/assessments/{aid}").get_data(as_text=True)
    assert draft.index("Add a respondent") < draft.index("CRM evidence") < draft.index(">Data<")
    open_assessment(owner, aid)
    opened = owner.get(f"/assessments/{aid}").get_data(as_text=True)
    assert (
        opened.index(">Data<") < opened.index('id="respondents"') < opened.index("Add a respondent")
    )
    assert opened.count("Add a respondent") == 1
