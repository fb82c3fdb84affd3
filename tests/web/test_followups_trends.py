"""Follow-ups, trend pages, version mappings and the portfolio benchmark through the app."""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from assessment.core.loader import assemble_document, build_questionnaire
from assessment.db import write_transaction
from assessment.db.models import (
    Answer,
    Assessment,
    MemberRole,
    Membership,
    QuestionnaireVersion,
    Respondent,
    VersionMapping,
    Workspace,
)
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db
from assessment.services import accounts, benchmark, followups
from assessment.services.actor import Actor
from assessment.services.assessments import AssessmentSettings, create_assessment, set_status
from assessment.services.clients import ClientData, create_client
from assessment.services.errors import Conflict, PermissionDenied
from assessment.services.questionnaires import model_of
from assessment.services.respondents import RespondentData, add_respondents, resolve_token
from tests.web.conftest import (
    add_people,
    csrf_token,
    new_assessment,
    new_client,
    open_assessment,
    post_form,
    shipped_version_id,
)
from tests.web.test_flow import answer_all

DATA = Path(__file__).resolve().parents[1] / "data" / "trends"


def _actor(workspace_id: int | None = None) -> Actor:
    s = db.session
    with unscoped(s):
        stmt = select(Membership).order_by(Membership.id)
        if workspace_id is not None:
            stmt = stmt.where(Membership.workspace_id == workspace_id)
        m = s.scalar(stmt)
    assert m is not None
    bind_workspace(s, m.workspace_id)
    return Actor(m.user_id, m.workspace_id, m.role)


def _answer(a: Assessment, position: float, people: int = 3) -> None:
    """``people`` sales reps answer every option question at ``position`` (0 lowest, 1 highest)."""
    s = db.session
    q = model_of(a.questionnaire_version)
    actor = _actor(a.workspace_id)
    issued = add_respondents(
        s, actor, a.id, [RespondentData(role="sales_rep") for _n in range(people)]
    )
    with write_transaction(s):
        for link in issued:
            for question in q.questions().values():
                if question.options and "sales_rep" in question.roles:
                    pick = question.options[round(position * (len(question.options) - 1))]
                    s.add(
                        Answer(
                            respondent_id=link.respondent.id,
                            question_id=question.id,
                            kind="option",
                            value_text=pick.value,
                        )
                    )


def closed_assessment(
    app: Flask,
    client_name: str,
    position: float,
    *,
    industry: str = "Software",
    size_band: str = "51-200",
    version_id: int | None = None,
    previous_id: int | None = None,
    demo: bool = False,
    workspace_id: int | None = None,
    close: bool = True,
) -> int:
    """A client (created) with one assessment answered at ``position``; closed unless told."""
    with app.app_context():
        s = db.session
        actor = _actor(workspace_id)
        client = create_client(
            s, actor, ClientData(name=client_name, industry=industry, size_band=size_band)
        )
        vid = version_id or shipped_version_id(s)
        a = create_assessment(
            s, actor, client.id, vid, AssessmentSettings(title=f"{client_name} check"), demo=demo
        )
        set_status(s, actor, a.id, "open")
        _answer(a, position)
        if close:
            set_status(s, actor, a.id, "closed")
        if previous_id is not None:
            with write_transaction(s):
                a.previous_id = previous_id
        aid = a.id
        db.session.remove()
    return aid


def close(client: FlaskClient, assessment_id: int) -> None:
    res = post_form(
        client,
        f"/assessments/{assessment_id}/status",
        {"status": "closed"},
        form_url=f"/assessments/{assessment_id}",
    )
    assert res.status_code == 302


# --- follow-ups -------------------------------------------------------------------------


def test_followup_copies_people_with_new_links(owner: FlaskClient, app: Flask) -> None:
    cid = new_client(owner, "Northwind")
    aid = new_assessment(owner, cid, "Spring check", min_group_size=2, overrides="crm: weight=2")
    old_links = add_people(
        owner,
        aid,
        "Ann Archer, ann@northwind-example.eu, executive, HQ\nBob Baker, , sales_rep, North",
    )
    open_assessment(owner, aid)
    answer_all(app.test_client(), old_links[0])
    page = owner.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "Start a follow-up" not in page  # open: not yet
    assert owner.get(f"/assessments/{aid}/follow-up").status_code == 200
    close(owner, aid)
    page = owner.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "Start a follow-up" in page

    form = owner.get(f"/assessments/{aid}/follow-up").get_data(as_text=True)
    assert 'value="Follow-up: Spring check"' in form
    res = post_form(
        owner,
        f"/assessments/{aid}/follow-up",
        {
            "title": "Autumn check",
            "questionnaire": re.findall(r'<option[^>]*value="(\d+)"', form)[0],
        },
    )
    assert res.status_code == 200, res.get_data(as_text=True)
    html = res.get_data(as_text=True)
    new_links = re.findall(r'value="http://localhost(/r/[A-Za-z0-9_\-]+)"', html)
    assert len(new_links) == 2 and not set(new_links) & set(old_links)

    with app.app_context():
        _actor()
        s = db.session
        follow = s.scalar(select(Assessment).where(Assessment.previous_id == aid))
        assert follow is not None and follow.title == "Autumn check"
        assert follow.status.value == "draft" and follow.client_id == cid
        assert follow.min_group_size == 2 and follow.overrides == {"crm": {"weight": 2.0}}
        people = list(
            s.scalars(
                select(Respondent)
                .where(Respondent.assessment_id == follow.id)
                .order_by(Respondent.id)
            )
        )
        assert [(p.code, p.name, p.email, p.role, p.team) for p in people] == [
            ("R0001", "Ann Archer", "ann@northwind-example.eu", "executive", "HQ"),
            ("R0002", "Bob Baker", "", "sales_rep", "North"),
        ]
        assert all(p.token_hash and len(p.token_hash) == 64 for p in people)
        answers = s.scalar(
            select(func.count(Answer.id))
            .join(Respondent, Respondent.id == Answer.respondent_id)
            .where(Respondent.assessment_id == follow.id)
        )
        assert answers == 0
        # Only hashes are stored: no token appears in the database row.
        assert all(
            link.split("/")[-1] not in (p.token_hash or "") for link in new_links for p in people
        )
        # Old links still open the previous assessment; new ones the follow-up.
        old = resolve_token(s, old_links[1].split("/")[-1])
        new = resolve_token(s, new_links[1].split("/")[-1])
        assert old is not None and old.assessment_id == aid
        assert new is not None and new.assessment_id == follow.id
        follow_id = follow.id
        db.session.remove()
    visitor = app.test_client()
    assert visitor.get(old_links[1]).status_code == 302

    prev_page = owner.get(f"/assessments/{aid}").get_data(as_text=True)
    assert "Followed up by:" in prev_page and "Autumn check" in prev_page
    assert "Start a follow-up" not in prev_page
    next_page = owner.get(f"/assessments/{follow_id}").get_data(as_text=True)
    assert "Follows up:" in next_page and "Spring check" in next_page

    # A second follow-up of the same assessment is refused, nothing created.
    res = post_form(
        owner,
        f"/assessments/{aid}/follow-up",
        {"title": "Again", "questionnaire": "1"},
        form_url=f"/assessments/{aid}/follow-up",
    )
    assert res.status_code == 302
    with app.app_context():
        _actor()
        assert db.session.scalar(select(func.count()).select_from(Assessment)) == 2
        db.session.remove()


def test_followup_refused_for_open_assessment_and_viewers(owner: FlaskClient, app: Flask) -> None:
    aid = closed_assessment(app, "Open Co", 0.5, close=False)
    with app.app_context():
        actor = _actor()
        with pytest.raises(Conflict):
            followups.start_followup(db.session, actor, aid, "x")
        viewer = Actor(actor.user_id, actor.workspace_id, MemberRole.VIEWER)
        set_status(db.session, actor, aid, "closed")
        with pytest.raises(PermissionDenied):
            followups.start_followup(db.session, viewer, aid, "x")
        db.session.remove()


def test_concurrent_followup_submits_make_one_followup(owner: FlaskClient, app: Flask) -> None:
    """A double (here: twelvefold) submit of the follow-up form creates exactly one."""
    aid = closed_assessment(app, "Twice Ltd", 0.5)
    url = f"/assessments/{aid}/follow-up"
    form = owner.get(url).get_data(as_text=True)
    version = re.findall(r'<option[^>]*value="(\d+)"', form)[0]
    token = csrf_token(owner, url)
    cookie = owner.get_cookie("session")
    assert cookie is not None
    statuses: list[int] = []
    start = threading.Barrier(12)

    def post() -> None:
        c = app.test_client()
        c.set_cookie("session", cookie.value)
        start.wait(timeout=30)
        res = c.post(url, data={"csrf_token": token, "title": "Again", "questionnaire": version})
        statuses.append(res.status_code)

    threads = [threading.Thread(target=post) for _n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # One request shows the new links (200); the others are told a follow-up exists (302).
    assert sorted(statuses) == [200] + [302] * 11, statuses
    with app.app_context():
        _actor()
        count = db.session.scalar(
            select(func.count()).select_from(Assessment).where(Assessment.previous_id == aid)
        )
        assert count == 1
        db.session.remove()


# --- trends -----------------------------------------------------------------------------


def _chain(app: Flask) -> tuple[int, int, int]:
    first = closed_assessment(app, "Contoso", 0.25)
    with app.app_context():
        _actor()
        a = db.session.get(Assessment, first)
        assert a is not None
        cid = a.client_id
        started = followups.start_followup(db.session, _actor(), first, "Contoso again")
        second = started.assessment.id
        actor = _actor()
        set_status(db.session, actor, second, "open")
        follow = db.session.get(Assessment, second)
        assert follow is not None
        _answer(follow, 0.75)
        set_status(db.session, actor, second, "closed")
        db.session.remove()
    return cid, first, second


def test_trend_pages(owner: FlaskClient, app: Flask) -> None:
    cid, first, second = _chain(app)
    client_page = owner.get(f"/clients/{cid}").get_data(as_text=True)
    assert f"/clients/{cid}/trend" in client_page
    res = owner.get(f"/clients/{cid}/trend")
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in html
    assert "Contoso check" in html and "Contoso again" in html
    assert "Everything is comparable" in html
    # 25 % → 75 % positions of the likert scales: every element rises.
    assert html.count('class="tag ok"') >= 12
    results = owner.get(f"/assessments/{second}/results").get_data(as_text=True)
    assert "Change since Contoso check" in results
    assert "+" in results.split('id="trend"', 1)[1].split("</section>", 1)[0]
    first_results = owner.get(f"/assessments/{first}/results").get_data(as_text=True)
    assert "Change since" not in first_results
    with app.app_context():
        _actor()
        from assessment.services.trends import report_trend

        later = db.session.get(Assessment, second)
        earlier = db.session.get(Assessment, first)
        assert later is not None and earlier is not None
        trend = report_trend(db.session, later)
        assert trend is not None and [p.key for p in trend.points] == [first, second]
        assert report_trend(db.session, earlier) is None
        db.session.remove()


def _store_version(app: Flask, file: str) -> int:
    document = assemble_document(DATA / file)
    model = build_questionnaire(document, file)
    with app.app_context():
        s = db.session
        with write_transaction(s):
            v = QuestionnaireVersion(
                workspace_id=None,
                qid=model.id,
                version=model.version,
                title=model.title,
                content_hash=model.content_hash,
                document=document,
                catalogues={},
            )
            s.add(v)
        vid = v.id
        db.session.remove()
    return vid


def test_trend_across_versions_with_uploaded_mapping(owner: FlaskClient, app: Flask) -> None:
    v1, v2 = _store_version(app, "v1.yaml"), _store_version(app, "v2.yaml")
    first = closed_assessment(app, "Fabrikam", 0.5, version_id=v1)
    with app.app_context():
        a = db.session.get(Assessment, first) if _actor() else None
        assert a is not None
        cid = a.client_id
        started = followups.start_followup(db.session, _actor(), first, "Fabrikam v2", v2)
        second = started.assessment.id
        set_status(db.session, _actor(), second, "open")
        follow = db.session.get(Assessment, second)
        assert follow is not None
        _answer(follow, 1.0)
        set_status(db.session, _actor(), second, "closed")
        db.session.remove()

    html = owner.get(f"/clients/{cid}/trend").get_data(as_text=True)
    assert "matched by stable ids only" in html
    assert "<code>b.q1</code>" in html  # unmapped, listed

    bad = (DATA / "v1-to-v2.yaml").read_text().replace("b: bb", "b: zz")
    res = owner.post(
        f"/clients/{cid}/trend/mappings",
        data={
            "csrf_token": _token(owner, f"/clients/{cid}/trend"),
            "upload": (io.BytesIO(bad.encode()), "map.yaml"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = res.get_data(as_text=True)
    assert "map.yaml: elements.b: unknown element &#39;zz&#39; in trendq 2.0" in page
    with app.app_context():
        _actor()
        assert db.session.scalar(select(func.count()).select_from(VersionMapping)) == 0
        db.session.remove()

    res = owner.post(
        f"/clients/{cid}/trend/mappings",
        data={
            "csrf_token": _token(owner, f"/clients/{cid}/trend"),
            "upload": (io.BytesIO((DATA / "v1-to-v2.yaml").read_bytes()), "v1-to-v2.yaml"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    html = res.get_data(as_text=True)
    assert "Mapping saved" in html
    assert "matched by stable ids and the uploaded mapping" in html
    table = html.split('id="not-comparable"', 1)[1]
    assert "<code>b.q1</code>" not in table  # renamed by the mapping: comparable now
    for qid in ("c.q1", "e.q2", "e.q3", "a.q4", "d.q1"):
        assert f"<code>{qid}</code>" in table, qid
    # The reason texts are the report's sentences now (one source for web and PDF).
    assert re.search(r"Question set changed substantially \(\d+% of the question weight", table)
    results = owner.get(f"/assessments/{second}/results").get_data(as_text=True)
    assert "different questionnaire versions (1.0 → 2.0)" in results


def _token(client: FlaskClient, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match
    return match.group(1)


# --- benchmark --------------------------------------------------------------------------


def _bench_section(client: FlaskClient, aid: int, query: str = "") -> str:
    html = client.get(f"/assessments/{aid}/results{query}").get_data(as_text=True)
    assert 'id="benchmark"' in html
    return html


def test_benchmark_hidden_below_five_without_peer_names(owner: FlaskClient, app: Flask) -> None:
    benchmark.clear_cache()
    target = closed_assessment(app, "Target Corp", 0.5, close=False)
    for n in range(4):
        closed_assessment(app, f"Secret Peer {n}", 0.25 * n)
    closed_assessment(app, "Demo Peer", 1.0, demo=True)
    closed_assessment(app, "Open Peer", 1.0, close=False)
    html = _bench_section(owner, target)
    assert (
        "appears once 5 other closed assessments on this questionnaire can be compared (4 so far)"
        in html
    )
    assert "Secret Peer" not in html and "Demo Peer" not in html

    closed_assessment(app, "Secret Peer 4", 1.0, industry="Retail", size_band="11-50")
    html = _bench_section(owner, target)
    section = html.split('id="benchmark"', 1)[1].split("</section>", 1)[0]
    assert "Not enough" not in section
    assert "Compared with 5 other closed assessments" in section
    assert "Secret Peer" not in html and "Demo Peer" not in html
    # Target sits at position 0.5: peers at 0, .25, .5, .75, 1 → 2 below, 1 tie: 50.
    overall = re.search(
        r"<strong>Overall</strong></td><td[^>]*>(\d+)</td><td[^>]*>(\d+)</td>", section
    )
    assert overall and overall.group(2) == "50"
    assert "used the questionnaire Sales Organization Health" in section
    # Filters: only four peers are in Software and one in Retail: neither is offered, and a
    # hand-written URL asking for them is refused.
    assert '<option value="Software"' not in section and '<option value="Retail"' not in section
    for query in ("?industry=Software", "?industry=Retail&size_band=11-50"):
        html = _bench_section(owner, target, query)
        assert "Not enough comparable assessments for this filter" in html
        assert "Compared with" not in html.split('id="benchmark"', 1)[1].split("</section>")[0]


def test_benchmark_counts_only_own_workspace(owner: FlaskClient, app: Flask) -> None:
    benchmark.clear_cache()
    target = closed_assessment(app, "Home Client", 0.5)
    with app.app_context():
        s = db.session
        with unscoped(s), write_transaction(s):
            ws = Workspace(name="Rival Partners")
            s.add(ws)
        other = ws.id
        accounts.add_member(
            s, other, "Rita Rival", "rita@rival-partners.eu", "rival password 123", MemberRole.OWNER
        )
        db.session.remove()
    for n in range(6):
        closed_assessment(app, f"Rival Client {n}", 0.2 * n, workspace_id=other)
    html = _bench_section(owner, target)
    assert "can be compared (0 so far)" in html
    assert "Rival Client" not in html
    with app.app_context():
        _actor(other)
        pool = benchmark.peers(db.session)
        assert len(pool) == 6
        _actor()
        assert [p.assessment_id for p in benchmark.peers(db.session)] == [target]
        db.session.remove()


def _overall_cells(section: str) -> tuple[str, str, str]:
    found = re.search(
        r"<strong>Overall</strong></td><td[^>]*>([^<]*)</td><td[^>]*>(.*?)</td><td[^>]*>(\d+)</td>",
        section,
    )
    assert found, section
    return found.group(1), found.group(2), found.group(3)


def _section(client: FlaskClient, aid: int, query: str = "") -> str:
    return _bench_section(client, aid, query).split('id="benchmark"', 1)[1].split("</section>")[0]


def test_benchmark_reviewer_scenario_does_not_reveal_retail_500(
    owner: FlaskClient, app: Flask
) -> None:
    """/tmp/review/t2.py through the app: Retail vs Retail + 11-50 must not be comparable."""
    benchmark.clear_cache()
    target = closed_assessment(app, "Target Retail", 0.5, industry="Retail", close=False)
    for n, position in enumerate((0.0, 0.25, 0.25, 0.75, 1.0)):
        closed_assessment(app, f"Shop {n}", position, industry="Retail", size_band="11-50")
    closed_assessment(app, "Big Retail", 0.75, industry="Retail", size_band="1000+")
    section = _section(owner, target, "?industry=Retail")
    assert "Compared with 6 other closed assessments" in section
    assert _overall_cells(section)[2] == "6"
    # Retail is held by 6 peers: offered.  11-50 is held by 5, but offering it would leave
    # the one 1000+ peer as the difference: withheld.  1000+ (1 peer): withheld.
    assert '<option value="Retail"' in section
    assert '<option value="11-50"' not in section and '<option value="1000+"' not in section
    refused = _section(owner, target, "?industry=Retail&size_band=11-50")
    assert "Not enough comparable assessments for this filter" in refused
    assert "Compared with" not in refused and "Big Retail" not in refused
    assert "Not enough comparable assessments for this filter" in _section(
        owner, target, "?size_band=11-50"
    )


def test_benchmark_compares_only_the_same_questionnaire(owner: FlaskClient, app: Flask) -> None:
    benchmark.clear_cache()
    v1, v2 = _store_version(app, "v1.yaml"), _store_version(app, "v2.yaml")
    target = closed_assessment(app, "Trend Target", 0.5, version_id=v1, close=False)
    # Five peers on the standard questionnaire: another questionnaire id, never compared.
    for n in range(5):
        closed_assessment(app, f"Standard Peer {n}", 0.2 * n)
    section = _section(owner, target)
    assert "can be compared (0 so far)" in section
    # Five peers on version 2 of the same questionnaire: element A compares (its questions
    # all kept), B/C (gone from v2) and E (half its questions replaced) do not, nor does the
    # overall score (the elements differ).
    for n in range(5):
        closed_assessment(app, f"V2 Peer {n}", 0.25 * n, version_id=v2)
    section = _section(owner, target)
    assert "Compared with 5 other closed assessments" in section
    assert "used the questionnaire Trend test (trendq)" in section
    assert "V2 Peer" not in section and "Standard Peer" not in section
    _score, percentile, n = _overall_cells(section)
    assert "too few" in percentile and n == "0"
    rows = dict(
        re.findall(r"<tr><td>([^<]+)</td><td[^>]*>[^<]*</td>\s*<td[^>]*>(.*?)</td>", section)
    )
    assert "<strong>50</strong>" in rows["Element A"]
    assert all("too few" in rows[name] for name in ("Element B", "Element C", "Element E"))
