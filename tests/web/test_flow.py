"""End-to-end through the views: setup → client → assessment → respondents → answers → results."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.web.conftest import (
    add_people,
    csrf_token,
    new_assessment,
    new_client,
    open_assessment,
)


def answer_all(
    client: FlaskClient, link: str, choice: str = "agree", comment: str | None = None
) -> None:
    """Open a link and answer every page through the no-JavaScript form posts."""
    res = client.get(link)
    assert res.status_code == 302 and res.headers["Location"].endswith("/respond/")
    token = csrf_token(client, "/respond/")
    res = client.post("/respond/start", data={"csrf_token": token})
    number = 1
    while "/respond/page/" in res.headers.get("Location", ""):
        url = res.headers["Location"]
        page = client.get(url).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        data: dict[str, str] = {
            "csrf_token": token,
            "go": "next",
            "comment": comment if comment is not None else f"comment on page {number}",
        }
        for name, values in _questions(page).items():
            if values and values[0].startswith("number:"):
                data[name] = values[0].split(":", 1)[1]
            elif choice in values:
                data[name] = choice
            elif values:
                data[name] = values[-1]
        res = client.post(url, data=data)
        assert res.status_code == 302, res.get_data(as_text=True)
        number += 1
    assert res.headers["Location"].endswith("/respond/review")
    token = csrf_token(client, "/respond/review")
    res = client.post("/respond/submit", data={"csrf_token": token})
    assert res.status_code == 302 and res.headers["Location"].endswith("/respond/thanks")


def _questions(page: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in re.findall(r'type="radio" name="([a-z0-9_.]+)" value="([a-z0-9_]+)"', page):
        if value not in ("na", "dk"):
            found.setdefault(name, []).append(value)
    pattern = (
        r'inputmode="decimal"[^>]*name="([a-z0-9_.]+)" data-min="([0-9.]+)" data-max="([0-9.]+)"'
    )
    for name, lo, hi in re.findall(pattern, page):
        found[name] = [f"number:{(float(lo) + float(hi)) / 2:g}"]
    return found


def test_whole_assessment_through_the_views(owner: FlaskClient) -> None:
    cid = new_client(owner)
    aid = new_assessment(owner, cid)
    links = add_people(
        owner,
        aid,
        "Ann, ann@northwind-example.eu, executive\nBob, , sales_manager\nCid, , sales_rep, North\nDee, , sales_rep\nEve, , sales_rep",
    )
    assert len(links) == 5
    open_assessment(owner, aid)
    respondent = owner.application.test_client()
    for link in links:
        answer_all(respondent, link)
        respondent = owner.application.test_client()
    page = owner.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "5 / 5" in owner.get("/").get_data(as_text=True)
    assert page.count("Submitted") >= 5
    results = owner.get(f"/assessments/{aid}/results")
    assert results.status_code == 200
    html = results.get_data(as_text=True)
    assert "CRM implementation and adoption" in html
    assert "data:image/svg+xml" in html or "<svg" in html  # the radar chart
    assert "comment on page 1" in html
    # the frontline (3 reps) is shown, leadership (2 people) is hidden as too small
    assert "hidden" in html


def test_link_shows_thank_you_after_submit(owner: FlaskClient) -> None:
    aid = new_assessment(owner, new_client(owner))
    (link,) = add_people(owner, aid, ", , sales_rep")
    open_assessment(owner, aid)
    person = owner.application.test_client()
    answer_all(person, link)
    again = owner.application.test_client()
    res = again.get(link)
    assert res.status_code == 302
    res = again.get("/respond/", follow_redirects=True)
    assert "Thank you" in res.get_data(as_text=True)
    assert 'name="go"' not in res.get_data(as_text=True)


def test_respondent_pages_send_no_referrer_and_token_leaves_url(owner: FlaskClient) -> None:
    aid = new_assessment(owner, new_client(owner))
    (link,) = add_people(owner, aid, ", , sales_rep")
    person = owner.application.test_client()
    res = person.get(link)
    assert res.status_code == 302 and link not in res.headers["Location"]
    assert res.headers["Referrer-Policy"] == "no-referrer"
    assert person.get("/respond/").headers["Referrer-Policy"] == "no-referrer"


def test_bad_link_is_404(client: FlaskClient, owner: FlaskClient) -> None:
    res = client.get("/r/not-a-real-token")
    assert res.status_code == 404
    assert "not valid" in res.get_data(as_text=True)


def test_only_questions_for_the_role(owner: FlaskClient) -> None:
    aid = new_assessment(owner, new_client(owner))
    rep, ops = add_people(owner, aid, ", , sales_rep\n, , sales_ops")
    open_assessment(owner, aid)
    seen = {}
    for name, link in (("rep", rep), ("ops", ops)):
        c = owner.application.test_client()
        c.get(link)
        token = csrf_token(c, "/respond/")
        c.post("/respond/start", data={"csrf_token": token})
        html = "".join(c.get(f"/respond/page/{n}").get_data(as_text=True) for n in range(1, 13))
        seen[name] = html
    # compensation design is for leadership and sales ops only
    assert "top_performers.variable_share" in seen["ops"]
    assert "top_performers.variable_share" not in seen["rep"]
