"""CRM evidence in the web app: upload, errors, permissions, pre-fill and the report partial."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessment.db.models import Answer, CrmEvidence
from assessment.db.tenancy import unscoped
from tests.web.conftest import (
    add_people,
    csrf_token,
    new_assessment,
    new_client,
    open_assessment,
    post_form,
)
from tests.web.invitations import invite_member

CRM = Path(__file__).parents[1] / "data" / "crm"
TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def upload(
    client: FlaskClient,
    aid: int,
    name: str = "salesforce.csv",
    *,
    content: bytes | None = None,
    mapping: bytes | None = None,
    quota: str = "4 000",
    stages: str | None = None,
    as_of: str = "2024-07-01",
    forecast: dict[str, str] | None = None,
) -> Any:
    url = f"/assessments/{aid}/evidence"
    data: dict[str, Any] = {
        "export": (io.BytesIO(content if content is not None else (CRM / name).read_bytes()), name),
        "quota": quota,
        "quota_currency": "",
        "as_of": as_of,
        **(forecast or {}),
    }
    if stages is not None:
        data["stages"] = stages
    else:
        page = client.get(url).get_data(as_text=True)
        found = re.search(r'<textarea[^>]*name="stages"[^>]*>\s*([^<]*)</textarea>', page)
        data["stages"] = found.group(1) if found else ""
    if mapping is not None:
        data["mapping"] = (io.BytesIO(mapping), "MAP.yaml")
    return post_form(client, url, data, content_type="multipart/form-data")


def evidence_rows(app: Flask) -> list[CrmEvidence]:
    from assessment.extensions import db

    with app.app_context(), unscoped(db.session):
        rows = list(db.session.scalars(select(CrmEvidence).order_by(CrmEvidence.id)))
        db.session.expunge_all()
        return rows


def test_upload_computes_stores_and_shows_kpis(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    page = owner.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "CRM evidence" in page and f"/assessments/{aid}/evidence" in page
    form = owner.get(f"/assessments/{aid}/evidence").get_data(as_text=True)
    assert "trial: 60" in form and "final negotiation: 80" in form
    res = upload(owner, aid)
    assert res.status_code == 302, res.get_data(as_text=True)
    (row,) = evidence_rows(app)
    assert row.filename == "salesforce.csv" and row.row_count == 9 and row.quota == 4000
    assert row.kpis["metrics"]["crm.win_rate"] == 40.0
    # qualified or later, closing in Q3 2024 (the quarter of the as-of date 1 July 2024):
    # O1 trial 1000 + O3 final negotiation 5000 = 6000; 6000 / 4000.  Whole pipeline 12000.
    assert row.kpis["metrics"]["crm.pipeline_coverage"] == 1.5
    assert row.kpis["currencies"][0]["whole_pipeline_coverage"] == 3.0
    assert row.kpis["as_of"] == "2024-07-01"
    assert row.kpis["currencies"][0]["weighted_pipeline"] == 5000  # 600 + 400 + 4000
    assert row.settings["columns"]["amount"] == ["Amount"]
    shown = owner.get(f"/assessments/{aid}/evidence").get_data(as_text=True)
    assert "40%" in shown and "5,000" in shown and "Proposal/Price Quote" in shown
    # Coverage is written as the linked question writes it (its unit), in one notation.
    assert "Price" in shown and "1.5&nbsp;x target" in shown and "3.0&nbsp;x target" in shown
    assert "×" not in shown.split('class="compact crm-money"')[1].split("</table>")[0]
    assert "figures as of Jul 1, 2024" in shown
    assert "deals closed Jul 3, 2023 – Jul 1, 2024" in shown
    assert "between Jul 1, 2024 and Sep 30, 2024" in shown
    assert 'name="as_of"' in shown and 'type="date"' in shown
    overview = owner.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "From salesforce.csv" in overview and "12,000" in overview
    assert "figures as of Jul 1, 2024" in overview


def test_bad_export_lists_every_problem_and_saves_nothing(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    bad = b"id,stage,amount,created\nA,demo,abc,2024-01-01\nB,demo,5,31.02.2024\n"
    res = upload(owner, aid, "deals.csv", content=bad)
    assert res.status_code == 422
    text = res.get_data(as_text=True)
    assert "deals.csv: row 2, column &#39;amount&#39;: not an amount: &#39;abc&#39;" in text
    assert "deals.csv: row 3, column &#39;created&#39;: not a date: &#39;31.02.2024&#39;" in text
    assert "nothing was saved" in text
    assert evidence_rows(app) == []
    res = upload(owner, aid, stages="trial: 160")
    assert res.status_code == 422 and "line 1: write" in res.get_data(as_text=True)
    assert evidence_rows(app) == []


def test_mapping_file_upload_and_stage_overrides(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    res = upload(owner, aid, "polish_custom.csv", mapping=(CRM / "polish_MAP.yaml").read_bytes())
    assert res.status_code == 302, res.get_data(as_text=True)
    (row,) = evidence_rows(app)
    assert row.settings["stages"]["proposal"] == 50 and row.settings["stages"]["trial"] == 65
    assert row.kpis["currencies"][0]["weighted_pipeline"] == 6050
    # without the mapping the headers are unknown: the page says which fields are missing
    res = upload(owner, aid, "polish_custom.csv")
    assert res.status_code == 422
    assert "no column for id, stage, amount, created" in res.get_data(as_text=True)


def test_viewer_sees_but_cannot_upload(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    assert upload(owner, aid).status_code == 302
    invite_member(owner, "Vera", "viewer@acme-consulting.eu", "viewer password 1", "viewer")
    viewer = app.test_client()
    post_form(
        viewer, "/login", {"email": "viewer@acme-consulting.eu", "password": "viewer password 1"}
    )
    page = viewer.get(f"/assessments/{aid}/evidence")
    assert page.status_code == 200 and "Current figures" in page.get_data(as_text=True)
    assert 'name="export"' not in page.get_data(as_text=True)
    token = csrf_token(viewer, f"/assessments/{aid}")
    res = viewer.post(
        f"/assessments/{aid}/evidence",
        data={"csrf_token": token, "export": (io.BytesIO(b"x"), "x.csv")},
        content_type="multipart/form-data",
    )
    assert res.status_code == 403
    assert len(evidence_rows(app)) == 1


def _page_with(person: FlaskClient, field: str) -> tuple[int, str]:
    for number in range(1, 14):
        html = person.get(f"/respond/page/{number}").get_data(as_text=True)
        if f'name="{field}"' in html:
            return number, html
    raise AssertionError(f"no page asks {field}")


def _post_page(person: FlaskClient, number: int, html: str, data: dict[str, str]) -> Any:
    token = TOKEN.search(html)
    rk = re.search(r'name="rk" value="([^"]+)"', html)
    assert token and rk
    return person.post(
        f"/respond/page/{number}",
        data={"csrf_token": token.group(1), "rk": rk.group(1), "go": "next", **data},
    )


def _sources(app: Flask) -> dict[str, tuple[float | None, str]]:
    from assessment.extensions import db

    with app.app_context(), unscoped(db.session):
        rows = db.session.execute(select(Answer.question_id, Answer.value_number, Answer.source))
        return {q: (v, s) for q, v, s in rows}


def test_prefill_marked_overridable_and_sourced(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    assert upload(owner, aid).status_code == 302
    links = add_people(owner, aid, ", , executive\n, , executive")
    (rep_link,) = add_people(owner, aid, ", , sales_rep")
    open_assessment(owner, aid)
    first = app.test_client()
    first.get(links[0])
    number, html = _page_with(first, "pipeline.coverage_ratio")
    assert re.search(r'name="pipeline.coverage_ratio"[^>]*value="1.5"', html)
    assert "from CRM data" in html
    assert 'name="pipeline.coverage_ratio--crm" value="1.5"' in html
    # kept unchanged → source crm
    res = _post_page(
        first,
        number,
        html,
        {"pipeline.coverage_ratio": "1.5", "pipeline.coverage_ratio--crm": "1.5"},
    )
    assert res.status_code == 302
    assert _sources(app)["pipeline.coverage_ratio"] == (1.5, "crm")
    again = first.get(f"/respond/page/{number}").get_data(as_text=True)
    assert "from CRM data" in again  # still the CRM value
    # win rate: pre-filled with 40, the respondent types 35 → source respondent
    number, html = _page_with(first, "win_loss.win_rate")
    assert re.search(r'name="win_loss.win_rate"[^>]*value="40"', html)
    res = _post_page(
        first, number, html, {"win_loss.win_rate": "35", "win_loss.win_rate--crm": "40"}
    )
    assert res.status_code == 302
    assert _sources(app)["win_loss.win_rate"] == (35.0, "respondent")
    changed = first.get(f"/respond/page/{number}").get_data(as_text=True)
    assert "from CRM data" not in changed
    assert re.search(r'name="win_loss.win_rate"[^>]*value="35"', changed)
    # a forged marker that does not match the CRM figure is not taken for CRM data
    second = app.test_client()
    second.get(links[1])
    number, html = _page_with(second, "win_loss.win_rate")
    _post_page(second, number, html, {"win_loss.win_rate": "90", "win_loss.win_rate--crm": "90"})
    from assessment.extensions import db

    with app.app_context(), unscoped(db.session):
        kinds = {
            v: s
            for q, v, s in db.session.execute(
                select(Answer.question_id, Answer.value_number, Answer.source)
            )
            if q == "win_loss.win_rate"
        }
    assert kinds == {35.0: "respondent", 90.0: "respondent"}
    # a sales rep answers for their own deals: the team figure is not offered
    rep = app.test_client()
    rep.get(rep_link)
    for n in range(1, 13):
        page = rep.get(f"/respond/page/{n}")
        if page.status_code == 200:
            assert "from CRM data" not in page.get_data(as_text=True)
    # results show the evidence next to the answers
    results = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    assert "Evidence from CRM data" in results
    section = results[results.index("Evidence from CRM data") :]
    assert "40.0</strong> %" in section and "1.5</strong> x target" in section
    assert "deals closed Jul 3, 2023 – Jul 1, 2024" in section
    assert "qualified deals closing Jul 1, 2024 – Sep 30, 2024" in section
    assert "figures as of Jul 1, 2024" in section
    assert "62.5 %" in section  # median of 35 and 90
    # and next month's forecast, four ways (August 2024: O2 discovery 4,000 × 10 %)
    assert "Next month's forecast, four ways" in section
    assert "Stage-weighted pipeline" in section and "<strong>400</strong>" in section


def test_no_evidence_no_prefill(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    (link,) = add_people(owner, aid, ", , executive")
    open_assessment(owner, aid)
    person = app.test_client()
    person.get(link)
    _number, html = _page_with(person, "win_loss.win_rate")
    assert "from CRM data" not in html and "--crm" not in html
    results = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    assert "Evidence from CRM data" not in results


def test_report_partial_renders_stored_evidence(owner: FlaskClient, app: Flask) -> None:
    from assessment.extensions import db
    from assessment.services.assessments import compute_results, get_assessment, questionnaire_of
    from assessment.services.crm_evidence import current_evidence
    from reports.evidence import build_evidence
    from reports.render import environment

    aid = new_assessment(owner, new_client(owner))
    assert upload(owner, aid).status_code == 302
    (row,) = evidence_rows(app)
    with app.app_context(), unscoped(db.session):
        from assessment.db.tenancy import bind_workspace

        bind_workspace(db.session, row.workspace_id)
        assessment = get_assessment(db.session, aid)
        q = questionnaire_of(assessment)
        results = compute_results(db.session, assessment, "en")
        evidence = current_evidence(db.session, aid)
        assert evidence is not None
        view = build_evidence(evidence.kpis, q, results, filename=evidence.filename, language="pl")
    assert view is not None
    assert [c.crm for c in view.comparisons] == ["1,5 x target", "40%"]  # Polish: 40%
    assert [c.period for c in view.comparisons] == [
        "qualified deals closing 1 lipca 2024 – 30 września 2024",
        "deals closed 3 lipca 2023 – 1 lipca 2024",
    ]
    assert view.figures[2].value == "40,0%"
    assert view.figures[2].label == "Win rate (by count) (deals closed 3 lipca 2023 – 1 lipca 2024)"
    assert ("Open pipeline", "12\u00a0000") in [
        (x.label, x.value) for x in view.currencies[0].figures
    ]
    env = environment()
    html = env.get_template("_evidence.html").render(
        evidence=view, _=lambda s, **kw: s % kw if kw else s
    )
    assert "Evidence from CRM data" in html
    assert "salesforce.csv" in html and "Price" in html
    assert "Proposal/Price Quote" in html  # the stage left out of the weighted pipeline
    assert "deals closed 3 lipca 2023 – 1 lipca 2024" in html  # the period next to the figure
    assert build_evidence(None, q, results) is None


def test_as_of_date_defaults_to_today_and_changes_stale_ages(
    owner: FlaskClient, app: Flask
) -> None:
    from datetime import date

    aid = new_assessment(owner, new_client(owner))
    form = owner.get(f"/assessments/{aid}/evidence").get_data(as_text=True)
    assert f'name="as_of" type="date" value="{date.today().isoformat()}"' in form
    assert upload(owner, aid, as_of="").status_code == 302  # empty: today
    assert upload(owner, aid, as_of="2024-07-01").status_code == 302
    today, older = evidence_rows(app)
    assert today.kpis["as_of"] == date.today().isoformat()
    assert older.kpis["as_of"] == "2024-07-01"
    # O2 has no stage change since it was created on 1 February 2024: 151 days to 1 July
    idle = {s["id"]: s["idle_days"] for s in older.kpis["stale"]["deals"]}
    assert idle["006O2"] == 151
    idle_today = {s["id"]: s["idle_days"] for s in today.kpis["stale"]["deals"]}
    assert idle_today["006O2"] == (date.today() - date(2024, 2, 1)).days
    page = owner.get(f"/assessments/{aid}/evidence").get_data(as_text=True)
    assert "figures as of Jul 1, 2024" in page  # the newest import is the one in use
    # The form offers the as-of date of the figures in use, not today's.
    assert 'name="as_of" type="date" value="2024-07-01"' in page
    res = upload(owner, aid, as_of="2999-01-01")
    assert res.status_code == 422
    assert "The as-of date cannot be in the future." in res.get_data(as_text=True)
    res = upload(owner, aid, as_of="01.07.2024")
    assert res.status_code == 422
    assert len(evidence_rows(app)) == 2


def test_evidence_stored_under_old_definitions_is_not_prefilled(
    owner: FlaskClient, app: Flask
) -> None:
    from assessment.extensions import db

    aid = new_assessment(owner, new_client(owner))
    assert upload(owner, aid).status_code == 302
    with app.app_context(), unscoped(db.session):
        row = db.session.scalars(select(CrmEvidence)).one()
        kpis = dict(row.kpis)
        del kpis["definitions"]
        kpis["metrics"] = {**kpis["metrics"], "crm.pipeline_coverage": 3.0}
        row.kpis = kpis
        db.session.commit()
    (link,) = add_people(owner, aid, ", , executive")
    open_assessment(owner, aid)
    person = app.test_client()
    person.get(link)
    number, html = _page_with(person, "pipeline.coverage_ratio")
    assert "from CRM data" not in html and "pipeline.coverage_ratio--crm" not in html
    assert _post_page(person, number, html, {"pipeline.coverage_ratio": "2"}).status_code == 302
    results = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    section = results[results.index("Evidence from CRM data") :]
    assert "not available" in section and "3.0</strong>" not in section


def test_quota_must_be_a_positive_amount(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    for quota in ("nan", "inf", "-4000", "(4000)", "\u22124000"):
        res = upload(owner, aid, quota=quota)
        assert res.status_code == 422, quota
    assert evidence_rows(app) == []


# -- forecasting methods --------------------------------------------------------------------

# salesforce.csv a month later: O2 (discovery, 4,000, due 31 August) was won on its date.
LATER = (
    (CRM / "salesforce.csv")
    .read_text(encoding="utf-8-sig")
    .replace(
        '006O2,Deal O2,Bogdan,Prospecting,"4,000.00",EUR,2/1/2024,8/31/2024,,',
        '006O2,Deal O2,Bogdan,Closed Won,"4,000.00",EUR,2/1/2024,8/31/2024,,',
    )
    .encode()
)


def test_upload_stores_and_shows_the_forecasting_methods(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    options = {"growth": "5", "new_reps": "2", "new_rep_deals": "1", "new_rep_deal_size": ""}
    assert upload(owner, aid, forecast=options).status_code == 302
    (row,) = evidence_rows(app)
    fm = row.kpis["forecast_methods"]
    assert fm["month"] == "2024-08" and row.settings["forecast"]["new_reps"] == 2
    methods = {m["method"]: m for m in fm["currencies"][0]["methods"]}
    # August: O2 discovery 4,000 × 10 % (O4's "Proposal/Price Quote" has no probability)
    assert methods["stage_weighted"]["value"] == 400
    # nothing won in the 90 days; 2 new reps × 1 deal × 15,000 (the average won deal)
    assert methods["run_rate"]["value"] == 30000
    assert methods["commit"]["value"] is None
    page = owner.get(f"/assessments/{aid}/evidence").get_data(as_text=True)
    assert "Next month's forecast, four ways" in page
    assert "Forecasts for August 2024, the month after the as-of date" in page
    for label in ("Stage-weighted pipeline", "Deal age against the sales cycle",
                  "Historical run rate", "Reps&#39; commit"):  # fmt: skip
        assert label in page
    assert "plus 5 % growth, plus 2 new reps × 1 deals × 15,000." in page
    assert "The export has no forecast category" in page
    assert "Upload a newer export after Aug 31, 2024" in page
    # the form keeps the assumptions of the figures in use
    assert 'name="growth" type="text" value="5"' in page
    assert 'name="new_rep_deals" type="text" value="1"' in page


def test_forecast_options_errors_are_shown_at_their_field(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner))
    res = upload(owner, aid, forecast={"new_reps": "2"})
    assert res.status_code == 422
    html = res.get_data(as_text=True)
    assert 'id="new_rep_deals-err"' in html
    assert "say how many deals each new rep closes in the first month" in html
    res = upload(owner, aid, forecast={"growth": "lots"})
    assert res.status_code == 422 and 'id="growth-err"' in res.get_data(as_text=True)
    assert evidence_rows(app) == []
    with owner.session_transaction() as sess:
        sess["ui_lang"] = "pl"
    res = upload(owner, aid, forecast={"new_reps": "2"})
    assert "podaj, ile transakcji każdy nowy handlowiec zamknie w pierwszym miesiącu" in (
        res.get_data(as_text=True)
    )


def test_accuracy_of_an_earlier_forecast_against_a_later_upload(
    owner: FlaskClient, app: Flask
) -> None:
    client_id = new_client(owner)
    first = new_assessment(owner, client_id, title="Spring check")
    aid = new_assessment(owner, client_id, title="Autumn check")
    assert upload(owner, first).status_code == 302  # as of 1 July: forecasts August
    assert upload(owner, aid, "later.csv", content=LATER, as_of="2024-09-02").status_code == 302
    page = owner.get(f"/assessments/{aid}/evidence").get_data(as_text=True)
    section = page[page.index("How close earlier forecasts came") :]
    assert (
        "August 2024: won 4,000 EUR; forecast as of Jul 1, 2024 (salesforce.csv · Spring check)."
        in section
    )
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">([^<]+)</td><td class=\"num\">"
                      r"(?:<strong>)?([^<]+)", section)  # fmt: skip
    assert rows[:3] == [
        ("Stage-weighted pipeline", "400", "10%"),  # 1 − |400 − 4,000| ÷ 4,000
        # median won cycle 35 days: O2 (151 days old) is stale; O4 21 days: 21/35 × 2,000
        ("Deal age against the sales cycle", "1,200", "30%"),
        ("Historical run rate", "0", "0%"),  # nothing won in the 90 days to 1 July
    ]
    # The earlier assessment's page has no closed month to compare yet.
    early = owner.get(f"/assessments/{first}/evidence").get_data(as_text=True)
    assert "No earlier forecast of this client has a month that has closed yet" in early
    # The report's evidence section shows the same, in the report's language.
    from assessment.catalogues import translations_for
    from assessment.db.tenancy import bind_workspace
    from assessment.extensions import db
    from assessment.services.assessments import compute_results, get_assessment, questionnaire_of
    from assessment.services.crm_evidence import current_evidence, forecast_accuracy
    from reports.evidence import build_evidence
    from reports.render import environment

    with app.app_context(), unscoped(db.session):
        bind_workspace(db.session, evidence_rows(app)[0].workspace_id)
        assessment = get_assessment(db.session, aid)
        q = questionnaire_of(assessment, "pl")
        results = compute_results(db.session, assessment, "pl")
        evidence = current_evidence(db.session, aid)
        assert evidence is not None
        accuracy = forecast_accuracy(db.session, evidence)
        pl = translations_for("pl")
        view = build_evidence(
            evidence.kpis, q, results, language="pl", translations=pl, accuracy=accuracy
        )
        # A client's guest reads closed assessments only: the open spring check's upload is
        # not offered to them.
        assert forecast_accuracy(db.session, evidence, closed_only=True) == ()
    assert view is not None and view.forecast is not None
    fc = view.forecast
    assert fc.title == "Prognoza na przyszły miesiąc czterema metodami"
    assert "październik 2024" in fc.intro  # as of 2 September: October is the next month
    (month,) = fc.accuracy
    assert month.caption.startswith("sierpień 2024: wygrano 4\xa0000 EUR; prognoza według stanu")
    assert [(r.label, r.accuracy) for r in month.rows][:2] == [
        ("Lejek ważony etapami", "10%"),
        ("Wiek transakcji wobec cyklu sprzedaży", "30%"),
    ]
    commit = fc.currencies[0].rows[3]
    assert commit.value == "–" and commit.absent.startswith(
        "Eksport nie zawiera kategorii prognozy"
    )
    html = (
        environment()
        .get_template("_evidence.html")
        .render(evidence=view, _=lambda s, **kw: pl.gettext(s) % kw if kw else pl.gettext(s))
    )
    assert "Jak trafne były wcześniejsze prognozy" in html and "Metoda i jej założenia" in html
    assert "Lejek ważony etapami" in html and "brak wyniku" in html
