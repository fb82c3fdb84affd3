"""The PowerPoint deck of an assessment, built while the member (or guest) waits.

Unlike the PDF, the deck is not queued: scoring the assessment (what the results page does on
every view) and building the slides take a fraction of a second (``bench/bench_report.py
--deck``; ``docs/report.md``, "The PowerPoint deck"), so a job, a progress page and a cache
would cost more than they save.  The deck is read from the same data as the PDF: live
results, the organization profile and CRM evidence (the size of the prize), the round's
action plan and, in a follow-up, what the previous round committed, the workspace's
branding; a guest's deck follows the guest's rules (:mod:`assessment.core.disclosure`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from assessment.catalogues import translations_for
from assessment.core.disclosure import for_guest
from assessment.core.model import Questionnaire
from assessment.core.prize import Prize
from assessment.core.results import Results
from assessment.db.models import Assessment, Workspace
from assessment.db.tenancy import unscoped
from assessment.services.assessments import compute_results, questionnaire_of
from assessment.services.errors import Invalid
from assessment.services.guest import previous_is_closed
from assessment.services.plans import follow_through, round_plan
from assessment.services.prize import prize_of
from assessment.services.profiles import profile_of
from assessment.services.questionnaires import languages_of
from assessment.services.trends import chain_sources
from reports.branding import DEFAULT_PRIMARY, Branding, Logo


@dataclass(frozen=True)
class Deck:
    """A built deck and what its file is named after."""

    data: bytes
    client: str
    title: str
    language: str


def prize_for(
    session: Session, assessment: Assessment, results: Results, q: Questionnaire
) -> Prize | None:
    """The size of the prize for the deck (:func:`assessment.services.prize.prize_of`: the
    organization profile, the KPI values the results use and the stored CRM evidence).  A
    prize without any estimated lever is passed too: the deck then leaves the slide out and
    its method slide's notes name the missing inputs."""
    return prize_of(session, assessment, results, q)


def _branding(session: Session, workspace_id: int) -> Branding:
    with unscoped(session):
        workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        return Branding()
    logo = None
    if workspace.logo and workspace.logo_mime:
        logo = Logo(workspace.logo, workspace.logo_mime)
    return Branding(
        firm_name=workspace.firm_name or workspace.name,
        primary_color=workspace.primary_color or DEFAULT_PRIMARY,
        footer_text=workspace.footer_text,
        logo=logo,
    )


def build_assessment_deck(
    session: Session, assessment: Assessment, language: str, *, guest: bool = False
) -> Deck:
    """The deck of an assessment the caller may read, in ``language`` (one the
    questionnaire is translated into, else :class:`Invalid`)."""
    from reports.deck import build_deck
    from reports.viewmodel import OptionalSections, ReportMeta

    if language not in languages_of(assessment.questionnaire_version):
        raise Invalid("report.language", field="language", language=language)
    q = questionnaire_of(assessment, language)
    results = compute_results(session, assessment, language)
    if guest:
        results, _withheld = for_guest(results)
    branding = _branding(session, assessment.workspace_id)
    profile = profile_of(session, assessment)
    # The plan and the follow-through as the PDF gathers them (report_jobs._render): a
    # guest compares with the previous round only when it is closed.
    compare = not guest or previous_is_closed(session, assessment)
    sources = chain_sources(session, assessment, results, language) if compare else None
    meta = ReportMeta(
        client_name=assessment.client.name,
        assessment_title=assessment.title,
        date=dt.date.today(),
        prepared_by=branding.firm_name,
        language=language,
        branding=branding,
        optional=OptionalSections(
            profile=profile,
            plan=round_plan(session, assessment),
            follow_through=follow_through(session, assessment, sources),
        ),
    )
    data = build_deck(
        results,
        q,
        meta,
        translations=translations_for(language),
        prize=prize_for(session, assessment, results, q),
        per_phase=assessment.roadmap_per_phase,  # the same roadmap as the PDF and the page
    )
    return Deck(data, assessment.client.name, assessment.title, language)
