"""``saleshealth report``: render the PDF report (or the PowerPoint deck) of an answers CSV."""

from __future__ import annotations

import datetime as dt
import gc
import os
import tempfile
from pathlib import Path

import click

from assessment.cli import quick_exit
from assessment.cli.common import (
    answers_option,
    fail,
    min_group_size_option,
    profile_option,
    questionnaire_option,
)

EXIT_RENDER_FAILED = 1


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".tmp", dir=path.parent or Path("."))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@click.command("report")
@answers_option
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where to write the report: a .pdf, or a .pptx for the PowerPoint deck.",
)
@click.option(
    "--format",
    "output_format",
    default=None,
    metavar="pdf|pptx",
    help="Write this format whatever the file's extension.",
)
@questionnaire_option
@click.option("--lang", default=None, help="Report language (default: the questionnaire's).")
@click.option("--client", default=None, help="Client organization named on the report.")
@click.option("--title", default=None, help="Assessment title (default: the questionnaire's).")
@click.option(
    "--date",
    "report_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Report date, YYYY-MM-DD (default: today).",
)
@click.option("--prepared-by", default="", help="Who prepared the report.")
@click.option("--firm", "firm_name", default="", help="Consulting firm name (white-label).")
@click.option("--color", "primary_color", default=None, help="Primary colour, #rrggbb.")
@click.option(
    "--logo",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="Logo, PNG or SVG (checked and sanitized).",
)
@click.option("--footer", "footer_text", default="", help="Footer text on every page.")
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the exact HTML that was rendered.",
)
@min_group_size_option
@profile_option
@click.option(
    "--edition",
    type=click.Choice(["board", "full"]),
    default="full",
    show_default=True,
    help="board: 6–16 pages that decide; full: every section and the question appendix.",
)
@click.option(
    "--per-phase",
    type=click.IntRange(1, 6),
    default=3,
    show_default=True,
    help="At most this many initiatives in each phase of the 30/60/90-day roadmap.",
)
@click.option(
    "--team",
    default="",
    help="Report one team against the organization (it must meet the minimum group size).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=120.0,
    show_default=True,
    help="Stop rendering after this many seconds.",
)
def report_command(
    answers: str,
    output: str,
    output_format: str | None,
    questionnaire_ref: str,
    lang: str | None,
    client: str | None,
    title: str | None,
    report_date: dt.datetime | None,
    prepared_by: str,
    firm_name: str,
    primary_color: str | None,
    logo: str | None,
    footer_text: str,
    html_out: str | None,
    min_group_size: int | None,
    profile: tuple[str, ...],
    edition: str,
    per_phase: int,
    team: str,
    timeout: float,
) -> None:
    """Render the PDF report of an answers CSV (respondent,role,question,value[,comment]),
    or its PowerPoint deck (``-o deck.pptx`` or ``--format pptx``).

    With ``--team NAME`` the PDF is that team's against the organization; the full report
    has a section by team when the file's ``team`` column names teams.
    """
    if output_format is not None or Path(output).suffix.lower() != ".pdf":
        from reports.formats import PPTX, UnknownFormat, format_of

        try:
            kind = format_of(output, output_format)
        except UnknownFormat as exc:
            fail(f"error: {exc}")
        if kind == PPTX:
            from assessment.cli.deck_cmd import write_deck

            write_deck(click.get_current_context().params)
            quick_exit.request()
            return
    # The renderer's processes start first: their forkserver imports WeasyPrint on another
    # core while this process reads the answers and builds the HTML.  Nothing is imported
    # before this that the renderer does not need.
    #
    # The cyclic collector is paused while this one-shot process imports, scores and builds
    # the HTML: those steps make many long-lived objects and little garbage, and the
    # collector would walk them over and over (about 6 % of the time before the HTML).
    gc.disable()
    try:
        from reports.bounded import BoundedRenderer, ReportRenderError

        with BoundedRenderer(timeout=timeout, max_renders=1) as renderer:
            renderer.start_in_background()
            from assessment.cli.score_cmd import parse_profile_options, score_file_with_people
            from assessment.core.cuts import team_cuts
            from reports.branding import DEFAULT_PRIMARY, Branding, BrandingError, validate_logo

            try:
                branding = Branding(
                    firm_name=firm_name,
                    primary_color=primary_color or DEFAULT_PRIMARY,
                    footer_text=footer_text,
                    logo=validate_logo(Path(logo).read_bytes(), logo) if logo else None,
                )
            except BrandingError as exc:
                fail(f"error: {exc}")
            organization = parse_profile_options(profile)
            results, q, people = score_file_with_people(
                answers,
                questionnaire_ref,
                min_group_size,
                lang,
                outcome="no report was written",
                profile=organization,
            )
            cuts = team_cuts(q, people, results)
            chosen = cuts.team(team.strip()) if team.strip() else None
            if team.strip() and (chosen is None or not chosen.shown):
                known = ", ".join(t.name for t in cuts.shown_teams) or "none"
                problem = (
                    "no such team"
                    if chosen is None
                    else (
                        f"fewer than {results.min_group_size} respondents with answers, or "
                        "showing it would reveal a smaller team"
                    )
                )
                fail(f"error: --team {team!r}: {problem}; teams that can be reported: {known}")

            from assessment.catalogues import translations_for
            from assessment.core.prize_inputs import prize_of_results
            from reports import ReportMeta, build_html
            from reports.teams import build_team_html
            from reports.viewmodel import OptionalSections

            language = lang or q.language
            meta = ReportMeta(
                client_name=client or "",
                assessment_title=title or q.title,
                date=(report_date or dt.datetime.now()).date(),
                prepared_by=prepared_by,
                language=language,
                branding=branding,
                optional=OptionalSections(
                    profile=organization,
                    teams=cuts,
                    prize=prize_of_results(results, q, organization),
                    per_phase=per_phase,
                ),
                edition=edition,
            )
            translations = translations_for(language)
            if chosen is not None:
                html = build_team_html(results, q, meta, cuts, chosen.name, translations)
            else:
                html = build_html(results, q, meta, translations=translations)
            if html_out:
                Path(html_out).write_text(html, encoding="utf-8")
            try:
                pdf = renderer.render_html(html)
            except ReportRenderError as exc:
                click.echo(f"error: {exc}", err=True)
                raise SystemExit(EXIT_RENDER_FAILED) from exc
    finally:
        gc.enable()
    _write_atomically(Path(output), pdf)
    click.echo(f"wrote {output} ({len(pdf) // 1024} KB)")
    quick_exit.request()
