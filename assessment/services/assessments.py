"""Assessments: create, configure, open/close, and compute live results."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from assessment.core.answers import Answer as CoreAnswer
from assessment.core.answers import AnswerKind
from assessment.core.answers import Respondent as CoreRespondent
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.core.roadmap import DEFAULT_PER_PHASE, MAX_PER_PHASE
from assessment.core.scoring import ElementOverride, score
from assessment.db import write_transaction
from assessment.db.base import utcnow
from assessment.db.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    ElementComment,
    QuestionnaireVersion,
    Respondent,
)
from assessment.messages import Lines, Message
from assessment.services import audit
from assessment.services.actor import Actor
from assessment.services.clients import get_client
from assessment.services.errors import Conflict, Invalid, NotFound
from assessment.services.questionnaires import available_versions, languages_of, model_of

MAX_WEIGHT = 10.0


@dataclass(frozen=True)
class AssessmentSettings:
    """Editable settings of an assessment."""

    title: str
    language: str = "en"
    min_group_size: int = 3
    overrides: dict[str, dict[str, float]] = field(default_factory=dict)
    roadmap_per_phase: int = DEFAULT_PER_PHASE


def get_assessment(session: Session, assessment_id: int) -> Assessment:
    """An assessment of the current workspace, or NotFound."""
    found = session.scalar(select(Assessment).where(Assessment.id == assessment_id))
    if found is None:
        raise NotFound("assessment.not_found")
    return found


def questionnaire_of(assessment: Assessment, lang: str | None = None) -> Questionnaire:
    """The pinned questionnaire of an assessment, in ``lang`` if available."""
    return model_of(assessment.questionnaire_version, lang)


def validate_settings(settings: AssessmentSettings, q: Questionnaire, languages: list[str]) -> None:
    """Raise Invalid naming the field that breaks a rule; every override problem at once."""
    if not settings.title.strip():
        raise Invalid("assessment.title_required", field="title")
    if settings.language not in languages:
        raise Invalid("form.language", field="language", languages=languages)
    if not 1 <= settings.min_group_size <= 50:
        raise Invalid("assessment.group_size", field="min_group_size", min=1, max=50)
    if not 1 <= settings.roadmap_per_phase <= MAX_PER_PHASE:
        raise Invalid("assessment.per_phase", field="roadmap_per_phase", min=1, max=MAX_PER_PHASE)
    _raise_all(override_problems(settings.overrides, q), "overrides")


def override_problems(
    overrides: Mapping[str, Mapping[str, float]],
    q: Questionnaire,
    lines: Mapping[str, int] | None = None,
) -> list[Message]:
    """Every problem of element weight/target overrides (with its line when ``lines`` gives
    the line each element was written on)."""
    element_ids = {el.id for el in q.elements}
    problems: list[Message] = []

    def add(element_id: str, problem: Message) -> None:
        line = (lines or {}).get(element_id)
        problems.append(problem if line is None else _at_line(line, problem))

    for element_id, values in overrides.items():
        if element_id not in element_ids:
            add(element_id, Message("element.unknown", element=element_id))
            continue
        unknown = set(values) - {"weight", "target"}
        if unknown:
            add(
                element_id,
                Message(
                    "overrides.unknown_settings",
                    element=element_id,
                    settings=sorted(unknown),
                    num=len(unknown),
                ),
            )
        weight = values.get("weight")
        if weight is not None and not 0 <= weight <= MAX_WEIGHT:
            add(element_id, Message("overrides.weight", element=element_id, max=float(MAX_WEIGHT)))
        target = values.get("target")
        if target is not None and not 0 <= target <= 100:
            add(element_id, Message("overrides.target", element=element_id))
    weights = {el.id: el.weight for el in q.elements}
    for element_id, values in overrides.items():
        if element_id in weights and values.get("weight") is not None:
            weights[element_id] = values["weight"]
    if not any(w > 0 for w in weights.values()):
        problems.append(Message("overrides.no_weight"))
    return problems


def _at_line(line: int, problem: Message) -> Message:
    return Message("at", where=Message("where.line", line=line), problem=problem)


def _raise_all(problems: Sequence[Message], field: str) -> None:
    """Raise the one problem as itself, several as one error listing them line by line."""
    if len(problems) == 1:
        raise Invalid(problems[0].code, field=field, **problems[0].params)
    if problems:
        raise Invalid("form.detail", field=field, detail=Lines(problems))


def create_assessment(
    session: Session,
    actor: Actor,
    client_id: int,
    version_id: int,
    settings: AssessmentSettings,
    *,
    self_assessment: bool = False,
    demo: bool = False,
) -> Assessment:
    """Create a draft assessment pinned to a questionnaire version."""
    actor.require_editor()
    get_client(session, client_id)
    version = next((v for v in available_versions(session) if v.id == version_id), None)
    if version is None:
        raise Invalid("form.questionnaire", field="questionnaire")
    validate_settings(settings, model_of(version), languages_of(version))
    with write_transaction(session):
        assessment = add_assessment(
            session, client_id, version.id, settings, self_assessment=self_assessment, demo=demo
        )
    return assessment


def add_assessment(
    session: Session,
    client_id: int,
    version_id: int,
    settings: AssessmentSettings,
    *,
    self_assessment: bool = False,
    demo: bool = False,
) -> Assessment:
    """Add a draft assessment in the caller's write transaction (settings already
    validated with :func:`validate_settings`)."""
    assessment = Assessment(
        client_id=client_id,
        questionnaire_version_id=version_id,
        title=settings.title.strip(),
        language=settings.language,
        min_group_size=settings.min_group_size,
        overrides=settings.overrides,
        roadmap_per_phase=settings.roadmap_per_phase,
        is_self_assessment=self_assessment,
        is_demo=demo,
    )
    session.add(assessment)
    return assessment


def update_settings(
    session: Session, actor: Actor, assessment_id: int, settings: AssessmentSettings
) -> Assessment:
    """Change title, language, minimum group size and element overrides."""
    actor.require_editor()
    assessment = get_assessment(session, assessment_id)
    version: QuestionnaireVersion = assessment.questionnaire_version
    validate_settings(settings, model_of(version), languages_of(version))
    with write_transaction(session):
        assessment.title = settings.title.strip()
        assessment.language = settings.language
        assessment.min_group_size = settings.min_group_size
        assessment.overrides = settings.overrides
        assessment.roadmap_per_phase = settings.roadmap_per_phase
    _refresh_summary(session, assessment.id)  # weights and group size change the scores
    return assessment


def _refresh_summary(session: Session, assessment_id: int) -> None:
    # Imported here: the summaries module scores through compute_results below.
    from assessment.services.summaries import refresh_quietly

    refresh_quietly(session, assessment_id)


_TRANSITIONS = {
    ("draft", "open"),
    ("open", "closed"),
    ("closed", "open"),
    ("open", "draft"),
}


def set_status(
    session: Session, actor: Actor, assessment_id: int, status: str, *, ip: str | None = None
) -> Assessment:
    """Move an assessment along draft → open → closed (and reopen); audited."""
    actor.require_editor()
    assessment = get_assessment(session, assessment_id)
    try:
        new = AssessmentStatus(status)
    except ValueError:
        raise Invalid("assessment.unknown_status", field="status", status=status) from None
    if (assessment.status.value, new.value) not in _TRANSITIONS:
        raise Conflict(
            "assessment.transition",
            current=Message(f"status.{assessment.status.value}"),
            new=Message(f"status.{new.value}"),
        )
    with write_transaction(session):
        old = assessment.status.value
        apply_status(assessment, new)
        audit.record(
            session,
            actor.user_id,
            "assessment.status",
            f"assessment:{assessment.id}",
            {"from": old, "to": new.value},
            ip,
            workspace_id=assessment.workspace_id,
        )
    if new is AssessmentStatus.CLOSED:
        # Scored once now: the portfolio benchmark reads the stored summary of a closed
        # assessment instead of scoring it.
        _refresh_summary(session, assessment.id)
    return assessment


def apply_status(assessment: Assessment, new: AssessmentStatus) -> None:
    """Set the status and its timestamps (in the caller's write transaction; the move was
    checked already)."""
    assessment.status = new
    if new is AssessmentStatus.OPEN:
        assessment.opened_at = assessment.opened_at or utcnow()
        assessment.closed_at = None
    elif new is AssessmentStatus.CLOSED:
        assessment.closed_at = utcnow()


def core_respondents(session: Session, assessment: Assessment) -> list[CoreRespondent]:
    """Every respondent who saved something, as plain core objects (three queries)."""
    people = session.execute(
        select(
            Respondent.id,
            Respondent.code,
            Respondent.role,
            Respondent.team,
            Respondent.language,
            Respondent.region,
            Respondent.segment,
        )
        .where(Respondent.assessment_id == assessment.id)
        .order_by(Respondent.id)
    ).all()
    answers: dict[int, dict[str, CoreAnswer]] = defaultdict(dict)
    rows = session.execute(
        select(
            Answer.respondent_id,
            Answer.question_id,
            Answer.kind,
            Answer.value_text,
            Answer.value_number,
        )
        .join(Respondent, Respondent.id == Answer.respondent_id)
        .where(Respondent.assessment_id == assessment.id)
    )
    for rid, qid, kind, text, number in rows:
        answers[rid][qid] = answer_from_row(kind, text, number)
    comments: dict[int, dict[str, str]] = defaultdict(dict)
    langs: dict[int, str] = {}
    crow = session.execute(
        select(
            ElementComment.respondent_id,
            ElementComment.element_id,
            ElementComment.text,
            ElementComment.language,
        )
        .join(Respondent, Respondent.id == ElementComment.respondent_id)
        .where(Respondent.assessment_id == assessment.id)
    )
    for rid, element_id, text, lang in crow:
        comments[rid][element_id] = text
        langs[rid] = lang
    return [
        CoreRespondent(
            id=code,
            role=role,
            answers=answers.get(rid, {}),
            comments=comments.get(rid, {}),
            team=team,
            language=language or langs.get(rid, ""),
            region=region,
            segment=segment,
        )
        for rid, code, role, team, language, region, segment in people
        if rid in answers or rid in comments
    ]


def answer_from_row(kind: str, text: str | None, number: float | None) -> CoreAnswer:
    """A stored answer row as a core answer."""
    k = AnswerKind(kind)
    if k is AnswerKind.NUMBER:
        return CoreAnswer(k, number)
    if k in (AnswerKind.NA, AnswerKind.DK):
        return CoreAnswer(k)
    return CoreAnswer(k, text)


def overrides_of(assessment: Assessment) -> dict[str, ElementOverride]:
    """The assessment's element overrides as core values."""
    out: dict[str, ElementOverride] = {}
    for element_id, values in (assessment.overrides or {}).items():
        out[element_id] = ElementOverride(weight=values.get("weight"), target=values.get("target"))
    return out


def compute_results(
    session: Session,
    assessment: Assessment,
    lang: str | None = None,
    people: list[CoreRespondent] | None = None,
) -> Results:
    """Live results from every answer saved so far, the organization facts and the CRM values
    (and the organization profile, which recommendation conditions may read).

    ``people``: the assessment's :func:`core_respondents`, when the caller has them already.
    """
    # These modules import this one (get_assessment), so they are imported here.
    from assessment.services.crm_evidence import crm_values_of
    from assessment.services.facts import kpi_facts_of
    from assessment.services.profiles import profile_of

    q = questionnaire_of(assessment, lang)
    return score(
        q,
        core_respondents(session, assessment) if people is None else people,
        min_group_size=assessment.min_group_size,
        overrides=overrides_of(assessment),
        kpi_facts=kpi_facts_of(session, assessment, q),
        crm_values=crm_values_of(session, assessment, q),
        profile=profile_of(session, assessment),
    )


@dataclass(frozen=True)
class Progress:
    """Completion counts, overall and per role."""

    invited: int
    started: int
    submitted: int
    by_role: dict[str, dict[str, int]]

    @property
    def completion(self) -> float:
        """Share of respondents who submitted (0 when there are none)."""
        return self.submitted / self.invited if self.invited else 0.0


def _live() -> ColumnElement[bool]:
    """Respondents who count as invited: a link revoked before submitting no longer does."""
    return or_(
        Respondent.token_hash.is_not(None),
        Respondent.submitted_at.is_not(None),
        Respondent.origin != "link",
    )


def progress_of(session: Session, assessment_id: int) -> Progress:
    """Invited / started / submitted counts per role, of live respondents only: someone
    whose link was revoked before they submitted no longer counts as invited."""
    rows = session.execute(
        select(Respondent.role, Respondent.started_at, Respondent.submitted_at).where(
            Respondent.assessment_id == assessment_id, _live()
        )
    ).all()
    by_role: dict[str, Counter[str]] = defaultdict(Counter)
    for role, started, submitted in rows:
        by_role[role]["invited"] += 1
        if started or submitted:
            by_role[role]["started"] += 1
        if submitted:
            by_role[role]["submitted"] += 1
    total = Counter[str]()
    for c in by_role.values():
        total.update(c)
    return Progress(
        invited=total["invited"],
        started=total["started"],
        submitted=total["submitted"],
        by_role={r: dict(c) for r, c in by_role.items()},
    )


def progress_by_assessment(session: Session, assessment_ids: list[int]) -> dict[int, Progress]:
    """:func:`progress_of` for many assessments in one grouped query (lists, dashboards)."""
    if not assessment_ids:
        return {}
    rows = session.execute(
        select(
            Respondent.assessment_id,
            Respondent.role,
            func.count(Respondent.id),
            func.count(func.coalesce(Respondent.submitted_at, Respondent.started_at)),
            func.count(Respondent.submitted_at),
        )
        .where(Respondent.assessment_id.in_(sorted(set(assessment_ids))), _live())
        .group_by(Respondent.assessment_id, Respondent.role)
    )
    by_assessment: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)
    for assessment_id, role, invited, started, submitted in rows:
        # The same shape as progress_of: a count appears only when it is above zero.
        counts = {"invited": invited, "started": started, "submitted": submitted}
        by_assessment[assessment_id][role] = {k: v for k, v in counts.items() if v}
    out = {}
    for assessment_id in assessment_ids:
        by_role = by_assessment.get(assessment_id, {})
        out[assessment_id] = Progress(
            invited=sum(c.get("invited", 0) for c in by_role.values()),
            started=sum(c.get("started", 0) for c in by_role.values()),
            submitted=sum(c.get("submitted", 0) for c in by_role.values()),
            by_role=by_role,
        )
    return out


def parse_overrides(text: str, q: Questionnaire) -> dict[str, dict[str, Any]]:
    """Parse ``element: weight=2 target=85`` lines (one element per line); Invalid listing
    every bad line and every out-of-range or unknown value at once."""
    out: dict[str, dict[str, Any]] = {}
    lines: dict[str, int] = {}
    problems: list[Message] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if ":" not in line:
            problems.append(Message("overrides.line", line=lineno))
            continue
        element_id, rest = (part.strip() for part in line.split(":", 1))
        values: dict[str, Any] = {}
        for item in rest.split():
            key, _, value = item.partition("=")
            try:
                values[key] = float(value)
            except ValueError:
                problems.append(Message("overrides.item", line=lineno, item=item))
        out[element_id] = values
        lines[element_id] = lineno
    found = override_problems(out, q, lines)
    if problems:  # the weights left are not the ones meant: no "no weight above 0" then
        found = [p for p in found if p.code != "overrides.no_weight"]
    _raise_all([*problems, *found], "overrides")
    return out
