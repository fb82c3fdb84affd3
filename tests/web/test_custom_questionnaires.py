"""Custom questionnaires: upload, clone, YAML editor, immutable publishing, isolation."""

from __future__ import annotations

import html
import io
import re
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from assessment.cli import main as cli_main
from assessment.db.models import Assessment, MemberRole, QuestionnaireVersion
from assessment.services import accounts
from assessment.services import questionnaires as qsvc
from assessment.services.actor import Actor
from assessment.services.errors import PermissionDenied
from tests.web.conftest import add_people, csrf_token, new_assessment, new_client, open_assessment
from tests.web.test_flow import answer_all

DATA = Path(__file__).resolve().parents[1] / "data" / "custom"
LANGS = ("en", "pl", "ru", "zh", "ro")


# --- helpers --------------------------------------------------------------------------


def upload(client: FlaskClient, data: bytes, filename: str = "team-pulse.yaml") -> Any:
    """Post a file to the upload form (with its CSRF token)."""
    token = csrf_token(client, "/questionnaires/upload")
    return client.post(
        "/questionnaires/upload",
        data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def hidden(page: str, name: str) -> str:
    """The value of a hidden input of a page."""
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    assert match, f"no hidden field {name}"
    return html.unescape(match.group(1))


def publish_preview(client: FlaskClient, preview: str) -> Any:
    """Press Publish on a preview page."""
    data = {f: hidden(preview, f) for f in ("csrf_token", "source", "name", "based_on")}
    return client.post("/questionnaires/publish", data=data)


def publish_file(client: FlaskClient, data: bytes, filename: str = "team-pulse.yaml") -> int:
    """Upload and publish; the new version's id."""
    res = upload(client, data, filename)
    assert res.status_code == 200
    page = res.get_data(as_text=True)
    assert "Publish this version" in page, page
    res = publish_preview(client, page)
    assert res.status_code == 302, res.get_data(as_text=True)
    return int(res.headers["Location"].rstrip("/").split("/")[-1])


def team_pulse(**replace: str) -> bytes:
    """The valid test questionnaire, with textual replacements."""
    text = (DATA / "team-pulse.yaml").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text.encode("utf-8")


def version_count(app: Flask) -> int:
    from assessment.extensions import db

    with app.app_context():
        return int(db.session.scalar(select(func.count(QuestionnaireVersion.id))) or 0)


def standard_version(app: Flask) -> str:
    from assessment.extensions import db

    with app.app_context():
        version = db.session.scalar(
            select(QuestionnaireVersion.version).where(QuestionnaireVersion.qid == qsvc.STANDARD_ID)
        )
    assert version
    return str(version)


def standard_id(app: Flask) -> int:
    from assessment.extensions import db

    with app.app_context():
        vid = db.session.scalar(
            select(QuestionnaireVersion.id).where(QuestionnaireVersion.qid == qsvc.STANDARD_ID)
        )
    assert vid is not None
    return int(vid)


def member(app: Flask, role: MemberRole, email: str) -> FlaskClient:
    """A signed-in member of the first workspace with this role."""
    from assessment.extensions import db

    with app.app_context():
        accounts.add_member(db.session, 1, "Mia Member", email, "member password 123", role)
        db.session.remove()
    c = app.test_client()
    token = csrf_token(c, "/login")
    res = c.post(
        "/login",
        data={"csrf_token": token, "email": email, "password": "member password 123"},
    )
    assert res.status_code == 302
    return c


def second_workspace(app: Flask) -> FlaskClient:
    from tests.web.test_tenancy import _second_workspace

    return _second_workspace(app)


def clone_data(page: str, **fields: Any) -> dict[str, Any]:
    """Every field of the clone form as prefilled, with some changed."""
    data: dict[str, Any] = {"csrf_token": hidden(page, "csrf_token")}
    for name, value in re.findall(r'<input[^>]*name="([a-z_0-9]+)"[^>]*value="([^"]*)"', page):
        if name != "csrf_token":
            data[name] = html.unescape(value)
    data.update(fields)
    return data


def cli_problems(monkeypatch: pytest.MonkeyPatch, name: str) -> list[str]:
    """The problem lines ``saleshealth questionnaire validate NAME`` prints (run in DATA)."""
    monkeypatch.chdir(DATA)
    result = CliRunner().invoke(cli_main, ["questionnaire", "validate", name])
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.startswith(f"{name}: ")]
    assert lines
    return lines


# --- upload ---------------------------------------------------------------------------


def test_upload_valid_file_previews_then_publishes(owner: FlaskClient, app: Flask) -> None:
    res = upload(owner, team_pulse())
    page = res.get_data(as_text=True)
    assert res.status_code == 200
    assert "The questionnaire is valid." in page
    assert "Preview: Team Pulse 1.0.0" in page
    # elements with weights, shares and targets; the question count
    assert "Coaching" in page and "Pipeline hygiene" in page
    assert re.search(r'<span class="stat-value">5</span><span class="stat-label">questions', page)
    assert "67%" in page and "33%" in page  # weights 2 and 1
    before = version_count(app)
    assert before == 1  # nothing is stored by a preview
    res = publish_preview(owner, page)
    assert res.status_code == 302
    vid = int(res.headers["Location"].split("/")[-1])
    assert version_count(app) == 2
    listing = owner.get("/questionnaires/").get_data(as_text=True)
    assert "team-pulse" in listing and "Team Pulse" in listing and "This workspace" in listing
    shown = owner.get(f"/questionnaires/{vid}").get_data(as_text=True)
    assert "Every open deal has a dated next step." in shown
    # new assessments can pick it
    new_client(owner)
    form = owner.get("/assessments/new").get_data(as_text=True)
    assert f'<option value="{vid}">Team Pulse (team-pulse 1.0.0)</option>' in form
    # the standard stays the default (first) choice
    assert re.search(r'name="questionnaire"[^>]*>\s*<option value="1"', form)


def test_upload_problems_read_exactly_like_the_cli(
    owner: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = cli_problems(monkeypatch, "broken.yaml")
    assert expected == [
        "broken.yaml: elements[0].weight: Input should be greater than or equal to 0 (got -1)",
        "broken.yaml: elements[0].questions[1].id: duplicate question id 'crm.a'",
    ]
    res = upload(owner, (DATA / "broken.yaml").read_bytes(), "broken.yaml")
    page = res.get_data(as_text=True)
    shown = [html.unescape(m) for m in re.findall(r"<li><code>(.*?)</code></li>", page)]
    assert shown == expected
    assert "2 problems found; nothing was published." in page
    assert "Publish this version" not in page


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (
            b"x" * (1024 * 1024 + 1),
            "big.yaml",
            "big.yaml: the file is 1,048,577 bytes; the limit is 1,048,576 bytes (1 MB)",
        ),
        (
            "title: Café".encode("latin-1"),
            "latin.yaml",
            "latin.yaml: the file is not UTF-8 text (invalid byte at position 10); save it as UTF-8",
        ),
        (
            b"id: x\ntitle: [unclosed\n",
            "syntax.yaml",
            "syntax.yaml: line 3, column 1: invalid YAML: did not find expected ',' or ']'",
        ),
        (
            b"id: x\nelements: [crm]\n",
            "split.yaml",
            "split.yaml: elements: an uploaded questionnaire must define elements inline",
        ),
        (
            b"- a list\n",
            "list.yaml",
            "list.yaml: expected a mapping at the top",
        ),
    ],
)
def test_upload_refuses_bad_files_with_a_clear_message(
    owner: FlaskClient, app: Flask, data: bytes, filename: str, message: str
) -> None:
    page = upload(owner, data, filename).get_data(as_text=True)
    shown = [html.unescape(m) for m in re.findall(r"<li><code>(.*?)</code></li>", page)]
    assert message in shown, shown
    assert version_count(app) == 1


def test_upload_reports_custom_rules_with_the_format_problems(owner: FlaskClient) -> None:
    data = team_pulse(
        **{'version: "1.0.0"': 'version: "1.0 beta"', "language: en": "language: de"},
        **{"weight: 2\n": "weight: .nan\n"},
    )
    page = upload(owner, data).get_data(as_text=True)
    shown = [html.unescape(m) for m in re.findall(r"<li><code>(.*?)</code></li>", page)]
    assert (
        "team-pulse.yaml: version: use letters, digits and . - + _ only, e.g. 1.0.1 "
        "(got '1.0 beta')" in shown
    )
    assert (
        "team-pulse.yaml: language: must be one of en, pl, ru, zh, ro, the languages the "
        "pages exist in (got 'de')" in shown
    )
    assert any(line.startswith("team-pulse.yaml: elements[0].weight: ") for line in shown)


BOMB = b"""\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
id: bomb
elements:
  - id: x
    title: *i
"""


def test_alias_bomb_is_refused_quickly(owner: FlaskClient, app: Flask) -> None:
    started = time.monotonic()
    page = upload(owner, BOMB, "bomb.yaml").get_data(as_text=True)
    assert time.monotonic() - started < 5
    assert (
        "bomb.yaml: the YAML expands to more than 100,000 values once anchors and aliases are "
        "resolved; write it out without repeated aliases" in html.unescape(page)
    )
    assert version_count(app) == 1


def test_recursive_alias_and_deep_nesting_are_refused(owner: FlaskClient) -> None:
    page = upload(owner, b"a: &a [*a]\n", "loop.yaml").get_data(as_text=True)
    assert "loop.yaml: an alias refers to itself" in page
    page = upload(owner, b"[" * 20000 + b"]" * 20000, "deep.yaml").get_data(as_text=True)
    # refused on the event stream before anything is composed (see core/safe_yaml.py)
    assert re.search(
        r"deep\.yaml: line 1, column \d+: the YAML is nested more than 64 levels", page
    )


def test_yaml_tags_that_build_objects_are_refused(owner: FlaskClient, app: Flask) -> None:
    data = b"id: !!python/object/apply:os.system ['echo hacked']\n"
    page = html.unescape(upload(owner, data, "tag.yaml").get_data(as_text=True))
    assert "tag.yaml: line 1, column 5: invalid YAML: could not determine a constructor" in page
    assert version_count(app) == 1


# --- publishing rules -----------------------------------------------------------------


def test_same_version_with_other_content_is_refused_identical_reused(
    owner: FlaskClient, app: Flask
) -> None:
    vid = publish_file(owner, team_pulse())
    changed = team_pulse(**{"title: Team Pulse": "title: Team Pulse (changed)"})
    page = upload(owner, changed).get_data(as_text=True)
    message = (
        "version 1.0.0 of team-pulse already exists with different content: "
        "choose a new version number"
    )
    assert message in page
    assert "Publish this version" not in page
    # pressing Publish anyway (a crafted post) stores nothing
    forged = page.replace("</form>", "")
    assert publish_preview(owner, forged).status_code == 200
    assert version_count(app) == 2
    # identical content re-uses the row
    page = upload(owner, team_pulse()).get_data(as_text=True)
    assert "This exact content is already published as Team Pulse 1.0.0" in page
    res = publish_preview(owner, page)
    assert res.headers["Location"].endswith(f"/questionnaires/{vid}")
    assert version_count(app) == 2
    # a new version number is fine
    assert publish_file(owner, team_pulse(**{'version: "1.0.0"': 'version: "1.0.1"'})) != vid


def test_a_workspace_questionnaire_needs_its_own_id(owner: FlaskClient, app: Flask) -> None:
    std = standard_id(app)
    page = owner.get(f"/questionnaires/{std}/clone").get_data(as_text=True)
    # A 1.x version: the rule under test is the id (from 2.0 on, bands also need sources).
    data = clone_data(page, qid="sales-org-health", version="1.9.0")
    preview = owner.post(f"/questionnaires/{std}/clone", data=data).get_data(as_text=True)
    assert (
        "&#39;sales-org-health&#39; is the id of a standard questionnaire; give your "
        "questionnaire its own id (for example sales-org-health-custom)" in preview
    )
    assert publish_preview(owner, preview).status_code == 200
    assert version_count(app) == 1


def test_clone_standard_with_new_weights_keeps_translations(owner: FlaskClient, app: Flask) -> None:
    std = standard_id(app)
    page = owner.get(f"/questionnaires/{std}/clone").get_data(as_text=True)
    assert 'value="sales-org-health-custom"' in page  # suggested own id
    assert 'name="weight_1" step="any" type="number" value="1.0"' in page or (
        re.search(r'name="weight_1"[^>]*value="1(\.0)?"', page)
    )
    data = clone_data(
        page, qid="acme-health", version="1.0.0", title="Acme Health Check", weight_1="3"
    )
    data["target_1"] = "90"
    res = owner.post(f"/questionnaires/{std}/clone", data=data)
    preview = res.get_data(as_text=True)
    assert "Preview: Acme Health Check 1.0.0" in preview
    assert f"based on Sales Organization Health Check {standard_version(app)}" in preview
    res = publish_preview(owner, preview)
    assert res.status_code == 302
    vid = int(res.headers["Location"].split("/")[-1])
    from assessment.extensions import db

    with app.app_context():
        version = db.session.get(QuestionnaireVersion, vid)
        assert version is not None and version.workspace_id == 1
        q = qsvc.model_of(version)
        assert (q.element("crm").weight, q.element("crm").target) == (3.0, 90.0)
        assert q.element("mgmt_rep").weight == 1.0
        # weights and targets are not texts: the five languages stay, with the new title
        assert qsvc.languages_of(version) == ["en", "pl", "ro", "ru", "zh"]
        polish = qsvc.model_of(version, "pl")
        assert polish.title == "Acme Health Check"
        assert polish.element("crm").title != q.element("crm").title
        standard = qsvc.model_of(db.session.get(QuestionnaireVersion, std))
        assert standard.element("crm").weight == 1.0  # the source is untouched


def test_clone_form_checks_numbers(owner: FlaskClient, app: Flask) -> None:
    std = standard_id(app)
    page = owner.get(f"/questionnaires/{std}/clone").get_data(as_text=True)
    data = clone_data(page, weight_0="-1", target_2="150", version="1 0")
    page = owner.post(f"/questionnaires/{std}/clone", data=data).get_data(as_text=True)
    assert "Number must be between 0 and 10." in page
    assert "Number must be between 0 and 100." in page
    assert "Use letters, digits and . - + _ only." in page
    assert version_count(app) == 1


def test_yaml_editor_shows_errors_then_publishes_a_new_version(
    owner: FlaskClient, app: Flask
) -> None:
    std = standard_id(app)
    page = owner.get(f"/questionnaires/{std}/edit").get_data(as_text=True)
    match = re.search(r'<textarea[^>]*name="source"[^>]*>(.*?)</textarea>', page, re.S)
    assert match
    text = html.unescape(match.group(1)).lstrip("\r\n")
    ver = standard_version(app)
    assert text.startswith(f"id: sales-org-health-custom\nversion: {ver}\n")
    assert "crm.single_source" in text
    token = hidden(page, "csrf_token")
    bad = text.replace("id: crm.timely_updates", "id: crm.single_source").replace(
        "type: yes_no", "type: maybe", 1
    )
    res = owner.post(f"/questionnaires/{std}/edit", data={"csrf_token": token, "source": bad})
    shown = [
        html.unescape(m)
        for m in re.findall(r"<li><code>(.*?)</code></li>", res.get_data(as_text=True))
    ]
    assert any(
        re.fullmatch(
            re.escape(f"sales-org-health-{ver}.yaml: ")
            + r"elements\[\d+\]\.questions\[\d+\]\.type: Input should be .*\(got 'maybe'\)",
            s,
        )
        for s in shown
    ), shown
    assert (
        f"sales-org-health-{ver}.yaml: elements[1].questions[1].id: duplicate question id "
        "'crm.single_source'" in shown
    )
    good = text.replace(
        "Our CRM is the one place where everyone looks up customers, contacts and open deals.",
        "Our CRM is the only place we look up customers and deals.",
    )
    res = owner.post(f"/questionnaires/{std}/edit", data={"csrf_token": token, "source": good})
    preview = res.get_data(as_text=True)
    assert f"Preview: Sales Organization Health Check {ver}" in preview
    res = publish_preview(owner, preview)
    assert res.status_code == 302
    vid = int(res.headers["Location"].split("/")[-1])
    from assessment.extensions import db

    with app.app_context():
        version = db.session.get(QuestionnaireVersion, vid)
        assert version is not None and version.qid == "sales-org-health-custom"
        q = qsvc.model_of(version)
        assert q.questions()["crm.single_source"].text.startswith("Our CRM is the only place")
        # a changed question text would be untranslated: the clone is English only
        assert qsvc.languages_of(version) == ["en"]
        assert qsvc.model_of(version, "pl") is q


def test_preview_can_go_back_to_the_editor(owner: FlaskClient) -> None:
    page = upload(owner, team_pulse()).get_data(as_text=True)
    data = {f: hidden(page, f) for f in ("csrf_token", "source", "name", "based_on")}
    res = owner.post("/questionnaires/write", data={**data, "fix": "1"})
    editor = res.get_data(as_text=True)
    assert res.status_code == 200
    assert "Every open deal has a dated next step." in html.unescape(editor)
    assert "problem" not in editor


def test_yaml_download_round_trips(owner: FlaskClient, app: Flask) -> None:
    std = standard_id(app)
    res = owner.get(f"/questionnaires/{std}/yaml")
    assert res.status_code == 200
    name = f'filename="sales-org-health-{standard_version(app)}.yaml"'
    assert name in res.headers["Content-Disposition"]
    draft = qsvc.validate_text(res.get_data(as_text=True), "x.yaml", LANGS)
    assert isinstance(draft, qsvc.Draft)
    from assessment.extensions import db

    with app.app_context():
        version = db.session.get(QuestionnaireVersion, std)
        assert version is not None
        assert draft.model.content_hash == version.content_hash


# --- who may do what, and who sees what -----------------------------------------------


@pytest.mark.parametrize("role", [MemberRole.CONSULTANT, MemberRole.VIEWER])
def test_only_owners_publish(owner: FlaskClient, app: Flask, role: MemberRole) -> None:
    vid = publish_file(owner, team_pulse())
    preview = upload(owner, team_pulse(**{'version: "1.0.0"': 'version: "2.0.0"'}))
    preview_page = preview.get_data(as_text=True)
    other = member(app, role, f"{role.value}@acme-consulting.eu")
    listing = other.get("/questionnaires/")
    assert listing.status_code == 200
    assert "team-pulse" in listing.get_data(as_text=True)
    assert "Upload a questionnaire" not in listing.get_data(as_text=True)
    assert other.get(f"/questionnaires/{vid}").status_code == 200
    token = csrf_token(other, "/questionnaires/")
    for url in (
        "/questionnaires/upload",
        f"/questionnaires/{vid}/clone",
        f"/questionnaires/{vid}/edit",
    ):
        assert other.get(url).status_code == 403, url
        assert other.post(url, data={"csrf_token": token}).status_code == 403, url
    data = {f: hidden(preview_page, f) for f in ("source", "name", "based_on")}
    res = other.post("/questionnaires/publish", data={"csrf_token": token, **data})
    assert res.status_code == 403
    assert version_count(app) == 2


def test_service_refuses_non_owners(owner: FlaskClient, app: Flask) -> None:
    draft = qsvc.validate_text(team_pulse().decode(), "t.yaml", LANGS)
    assert isinstance(draft, qsvc.Draft)
    from assessment.db.tenancy import bind_workspace
    from assessment.extensions import db

    with app.app_context():
        bind_workspace(db.session, 1)
        with pytest.raises(PermissionDenied):
            qsvc.publish_custom(db.session, Actor(1, 1, MemberRole.CONSULTANT), draft.document)
    assert version_count(app) == 1


def test_other_workspaces_never_see_custom_versions(owner: FlaskClient, app: Flask) -> None:
    vid = publish_file(owner, team_pulse(**{"title: Team Pulse": "title: Acme Secret Pulse"}))
    rival = second_workspace(app)
    assert "Acme Secret Pulse" not in rival.get("/questionnaires/").get_data(as_text=True)
    for url in ("", "/yaml", "/clone", "/edit"):
        assert rival.get(f"/questionnaires/{vid}{url}").status_code == 404, url
    new_client(rival, "Rival client")
    form = rival.get("/assessments/new").get_data(as_text=True)
    select_block = re.search(r'<select[^>]*name="questionnaire".*?</select>', form, re.S)
    assert select_block and "Acme Secret Pulse" not in form
    assert f'value="{vid}"' not in select_block.group(0)
    # an assessment cannot be created with it by posting its id
    page = rival.get("/assessments/new").get_data(as_text=True)
    res = rival.post(
        "/assessments/new",
        data={
            "csrf_token": hidden(page, "csrf_token"),
            "client_id": re.search(
                r'name="client_id"[^>]*>\s*<option[^>]*value="(\d+)"', page
            ).group(1),  # type: ignore[union-attr]
            "questionnaire": str(vid),
            "title": "Steal",
            "language": "en",
            "min_group_size": "3",
        },
    )
    assert res.status_code == 200  # the form shows an error, nothing is created
    # the same id and version with other content is this workspace's own business
    rival_vid = publish_file(rival, team_pulse(**{"title: Team Pulse": "title: Rival Pulse"}))
    assert rival_vid != vid
    assert "Acme Secret Pulse" not in rival.get("/questionnaires/").get_data(as_text=True)
    assert "Rival Pulse" not in owner.get("/questionnaires/").get_data(as_text=True)
    # Exactly the same file (a consultancy's template used in two workspaces) publishes in
    # both, as two separate versions: nothing tells one workspace the other has it.
    same = team_pulse(
        **{"title: Team Pulse": "title: Shared Template", 'version: "1.0.0"': 'version: "2.0.0"'}
    )
    mine, theirs = publish_file(owner, same), publish_file(rival, same)
    assert mine != theirs
    assert "Shared Template" in owner.get(f"/questionnaires/{mine}").get_data(as_text=True)
    assert owner.get(f"/questionnaires/{theirs}").status_code == 404


# --- assessments keep their version ---------------------------------------------------


def test_assessment_keeps_its_version_when_a_new_one_is_published(
    owner: FlaskClient, app: Flask
) -> None:
    v1 = publish_file(owner, team_pulse())
    aid = new_assessment(owner, new_client(owner), questionnaire=str(v1))
    links = add_people(
        owner,
        aid,
        "A, , executive\nB, , sales_manager\nC, , sales_rep\nD, , sales_rep\nE, , sales_rep",
    )
    open_assessment(owner, aid)
    for i, link in enumerate(links):
        answer_all(app.test_client(), link, choice=("agree", "disagree", "neutral")[i % 3])
    from assessment.extensions import db
    from assessment.services.assessments import compute_results, get_assessment

    def snapshot() -> tuple[int, Any]:
        with app.app_context():
            from assessment.db.tenancy import bind_workspace

            bind_workspace(db.session, 1)
            assessment = get_assessment(db.session, aid)
            results = compute_results(db.session, assessment)
            value = (assessment.questionnaire_version_id, results.to_dict(explain=True))
            db.session.remove()
            return value

    before = snapshot()
    page_before = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    # v2 weighs the elements the other way round and renames an element
    v2 = publish_file(
        owner,
        team_pulse(
            **{'version: "1.0.0"': 'version: "2.0.0"', "weight: 2\n": "weight: 0.5\n"},
            **{"title: Pipeline hygiene": "title: Pipeline discipline"},
        ),
    )
    assert v2 != v1
    after = snapshot()
    assert after == before
    assert before[0] == v1
    page_after = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    assert "Pipeline hygiene" in page_after and "Pipeline discipline" not in page_after
    overall = re.compile(r'<p class="big-score">([^<]*)</p>')
    assert overall.findall(page_before) == overall.findall(page_after)
    with app.app_context():
        from assessment.db.tenancy import bind_workspace

        bind_workspace(db.session, 1)
        assert db.session.get(Assessment, aid).questionnaire_version_id == v1  # type: ignore[union-attr]
    # a new assessment can start on v2
    new_aid = new_assessment(owner, new_client(owner, "Second"), questionnaire=str(v2))
    assert "Team Pulse 2.0.0" in owner.get(f"/assessments/{new_aid}").get_data(as_text=True)


# --- hostile texts and languages ------------------------------------------------------

HOSTILE = {
    "title: Team Pulse": 'title: "<script>alert(1)</script>Pulse"',
    "title: Coaching": 'title: "<img src=x onerror=alert(2)>Coaching"',
    "text: My manager coaches me at least every two weeks.": (
        "text: '<a href=\"javascript:alert(3)\">click</a> <svg onload=alert(4)>'"
    ),
    "label: Agree,": "label: '<b onmouseover=alert(5)>Agree</b>',",
    "title: Set a coaching rhythm": 'title: "javascript:alert(6)"',
    "description: A short check": 'description: "</textarea><script>alert(7)</script>A short check',
}


def _assert_inert(page: str, where: str) -> None:
    assert "<script>alert" not in page, where
    assert "<img src=x" not in page, where
    assert "<svg onload" not in page, where
    assert "<b onmouseover" not in page, where
    assert 'href="javascript:' not in page, where
    assert "</textarea><script>" not in page, where


def test_hostile_texts_are_inert_everywhere(owner: FlaskClient, app: Flask) -> None:
    data = team_pulse(**HOSTILE)
    data = data.replace(b"A short check of coaching and pipeline habits.", b'A short check."')
    preview = upload(owner, data).get_data(as_text=True)
    _assert_inert(preview, "preview")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Pulse" in preview
    res = publish_preview(owner, preview)
    assert res.status_code == 302, res.get_data(as_text=True)
    vid = int(res.headers["Location"].split("/")[-1])
    for url in (
        "/questionnaires/",
        f"/questionnaires/{vid}",
        f"/questionnaires/{vid}/clone",
        f"/questionnaires/{vid}/edit",
        "/assessments/new",
    ):
        page = owner.get(url).get_data(as_text=True)
        _assert_inert(page, url)
    shown = owner.get(f"/questionnaires/{vid}").get_data(as_text=True)
    assert "&lt;a href=&#34;javascript:alert(3)&#34;&gt;click&lt;/a&gt;" in shown
    aid = new_assessment(owner, new_client(owner), questionnaire=str(vid))
    (link,) = add_people(owner, aid, "Ann, , sales_rep")
    open_assessment(owner, aid)
    respondent = app.test_client()
    assert respondent.get(link).status_code == 302
    intro = respondent.get("/respond/").get_data(as_text=True)
    _assert_inert(intro, "intro")
    token = hidden(intro, "csrf_token")
    res = respondent.post("/respond/start", data={"csrf_token": token})
    page = respondent.get(res.headers["Location"]).get_data(as_text=True)
    _assert_inert(page, "respondent page")
    assert "&lt;svg onload=alert(4)&gt;" in page
    assert "&lt;b onmouseover=alert(5)&gt;Agree&lt;/b&gt;" in page
    answer_all(app.test_client(), add_people(owner, aid, "Bo, , sales_rep")[0], choice="disagree")
    for url in (f"/assessments/{aid}", f"/assessments/{aid}/results"):
        page = owner.get(url).get_data(as_text=True)
        _assert_inert(page, url)


def test_other_languages_fall_back_to_the_questionnaire_language(
    owner: FlaskClient, app: Flask
) -> None:
    vid = publish_file(owner, team_pulse())
    cid = new_client(owner)
    # an assessment cannot promise a language the questionnaire does not have
    page = owner.get(f"/assessments/new?client_id={cid}").get_data(as_text=True)
    res = owner.post(
        "/assessments/new",
        data={
            "csrf_token": hidden(page, "csrf_token"),
            "client_id": cid,
            "questionnaire": vid,
            "title": "Polish run",
            "language": "pl",
            "min_group_size": 3,
        },
    )
    assert res.status_code == 200
    assert "language must be one of en" in res.get_data(as_text=True)
    aid = new_assessment(owner, cid, questionnaire=str(vid))
    links = add_people(owner, aid, "A, , sales_rep\nB, , sales_rep\nC, , sales_rep")
    open_assessment(owner, aid)
    # a Polish-speaking respondent: Polish interface, questions as written, no crash
    respondent = app.test_client()
    respondent.get(links[0], headers={"Accept-Language": "pl"})
    token = csrf_token(respondent, "/respond/")
    res = respondent.post("/respond/language", data={"csrf_token": token, "lang": "pl"})
    assert res.status_code == 302
    intro = respondent.get("/respond/", headers={"Accept-Language": "pl"})
    assert intro.status_code == 200
    token = hidden(intro.get_data(as_text=True), "csrf_token")
    res = respondent.post("/respond/start", data={"csrf_token": token})
    page = respondent.get(res.headers["Location"]).get_data(as_text=True)
    assert "My manager coaches me at least every two weeks." in page
    for link in links[1:]:
        answer_all(app.test_client(), link)
    # the owner reads everything in Polish: the interface translates, the texts fall back
    owner.post(
        "/language",
        data={"csrf_token": csrf_token(owner, "/"), "lang": "pl", "next": "/"},
    )
    for url, text in (
        ("/questionnaires/", "Team Pulse"),
        (f"/questionnaires/{vid}", "My manager coaches me at least every two weeks."),
        (f"/assessments/{aid}/results", "Pipeline hygiene"),
    ):
        res = owner.get(url)
        assert res.status_code == 200, url
        page = res.get_data(as_text=True)
        assert '<html lang="pl">' in page
        assert "Kwestionariusze" in page or "Wyniki" in page or "Zmień" in page
        assert text in page, url
    from assessment.extensions import db

    with app.app_context():
        version = db.session.get(QuestionnaireVersion, vid)
        assert version is not None
        assert qsvc.languages_of(version) == ["en"]
        for lang in LANGS:
            assert qsvc.model_of(version, lang).title == "Team Pulse"


def test_carried_catalogues_only_when_every_text_is_unchanged(app: Flask) -> None:
    from assessment.core.loader import assemble_document, build_questionnaire, read_catalogues

    folder = Path(__file__).resolve().parents[2] / "questionnaires" / "sales-org-health"
    doc = assemble_document(folder)
    source = build_questionnaire(doc, "std")
    catalogues = read_catalogues(folder)
    renamed = build_questionnaire({**doc, "title": "Mine", "id": "mine"}, "x")
    kept = qsvc.carried_catalogues(source, catalogues, renamed)
    assert sorted(kept) == ["pl", "ro", "ru", "zh"]
    assert "title" not in kept["pl"] and "elements" in kept["pl"]
    doc2 = qsvc.json.loads(qsvc.json.dumps(doc))
    doc2["elements"][0]["questions"][0]["text"] = "A new question"
    edited = build_questionnaire(doc2, "x")
    assert qsvc.carried_catalogues(source, catalogues, edited) == {}
