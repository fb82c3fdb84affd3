"""``saleshealth report -o deck.pptx``: the PowerPoint deck of an answers CSV.

Called by :mod:`assessment.cli.report_cmd` when the output is a deck (its extension, or
``--format pptx``), with the command's options; the deck needs no renderer process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from assessment.cli.common import fail
from assessment.core.model import Questionnaire
from assessment.core.prize import Prize
from assessment.core.prize_inputs import prize_of_results
from assessment.core.profile import OrganizationProfile
from assessment.core.results import Results
from assessment.core.roadmap import DEFAULT_PER_PHASE
from assessment.messages import Message


def prize_for(
    results: Results, q: Questionnaire, profile: OrganizationProfile | None
) -> Prize | None:
    """The size of the prize for the deck from the organization profile (``--profile``) and
    the KPI values of the answers (an answers file has no CRM evidence, so the win-rate
    lever, which needs the open pipeline, is omitted).  A prize without any estimated lever
    is passed too: the deck leaves the slide out and its method notes name what is missing."""
    return prize_of_results(results, q, profile)


def write_deck(params: Mapping[str, Any]) -> None:
    """Score the answers and write the deck to ``params["output"]`` (exit 2 on bad input)."""
    from assessment.cli.report_cmd import _write_atomically
    from assessment.cli.score_cmd import parse_profile_options, score_file
    from reports.branding import DEFAULT_PRIMARY, Branding, BrandingError, validate_logo

    if params.get("html_out"):
        fail(f"error: {Message('report.html_needs_pdf')}")
    logo = params.get("logo")
    try:
        branding = Branding(
            firm_name=params.get("firm_name") or "",
            primary_color=params.get("primary_color") or DEFAULT_PRIMARY,
            footer_text=params.get("footer_text") or "",
            logo=validate_logo(Path(logo).read_bytes(), logo) if logo else None,
        )
    except BrandingError as exc:
        fail(f"error: {exc}")
    organization = parse_profile_options(params.get("profile") or ())
    lang = params.get("lang")
    results, q = score_file(
        params["answers"],
        params["questionnaire_ref"],
        params.get("min_group_size"),
        lang,
        outcome="no deck was written",
        profile=organization,
    )

    from assessment.catalogues import translations_for
    from reports.deck import build_deck
    from reports.viewmodel import OptionalSections, ReportMeta

    language = lang or q.language
    report_date: dt.datetime | None = params.get("report_date")
    meta = ReportMeta(
        client_name=params.get("client") or "",
        assessment_title=params.get("title") or q.title,
        date=(report_date or dt.datetime.now()).date(),
        prepared_by=params.get("prepared_by") or "",
        language=language,
        branding=branding,
        optional=OptionalSections(profile=organization),
    )
    data = build_deck(
        results,
        q,
        meta,
        translations=translations_for(language),
        prize=prize_for(results, q, organization),
        per_phase=params.get("per_phase") or DEFAULT_PER_PHASE,
    )
    output = Path(params["output"])
    _write_atomically(output, data)
    click.echo(f"wrote {output} ({len(data) // 1024} KB)")
