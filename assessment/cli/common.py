"""Helpers shared by the CLI commands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from assessment.core.model import Questionnaire

DEFAULT_QUESTIONNAIRE = "sales-org-health"
EXIT_INVALID = 2


def fail(lines: str | list[str]) -> NoReturn:
    """Print problems on stderr and exit with status 2."""
    for line in [lines] if isinstance(lines, str) else lines:
        click.echo(line, err=True)
    sys.exit(EXIT_INVALID)


def resolve_questionnaire(
    ref: str, version: str | None = None, lang: str | None = None
) -> Questionnaire:
    """Load a questionnaire by id (searching the shipped folder) or by path, in ``lang``."""
    # Imported here, not at the top: ``saleshealth report`` starts its renderer before it
    # pays for the questionnaire model (pydantic), so both load on different cores.
    from assessment.core.loader import QuestionnaireError, find_questionnaire, load_questionnaire

    try:
        if Path(ref).exists():
            return load_questionnaire(ref, lang)
        return find_questionnaire(ref, version, lang=lang)
    except QuestionnaireError as exc:
        fail([str(p) for p in exc.problems])
    except LookupError as exc:
        fail(f"error: {exc.args[0]}")


def fmt(value: float | None, digits: int = 1, suffix: str = "") -> str:
    """Format an optional number for a table cell ("-" when missing)."""
    return "-" if value is None else f"{value:.{digits}f}{suffix}"


answers_option = click.option(
    "--answers", required=True, type=click.Path(dir_okay=False), help="Answers CSV."
)
questionnaire_option = click.option(
    "--questionnaire",
    "questionnaire_ref",
    default=DEFAULT_QUESTIONNAIRE,
    show_default=True,
    help="Questionnaire id or path.",
)
min_group_size_option = click.option(
    "--min-group-size",
    type=click.IntRange(min=1),
    default=None,
    help="Smallest group whose scores are shown (default: the questionnaire's, 3).",
)


profile_option = click.option(
    "--profile",
    "profile",
    multiple=True,
    metavar="FIELD=VALUE",
    help="A field of the organization profile that recommendation conditions and evidence "
    "read (repeatable): business_type, sales_headcount, sales_managers, revenue_target, "
    "avg_deal_size, sales_cycle_days, currency.",
)
"""``--profile FIELD=VALUE`` (repeatable): the organization profile (``score``, ``report``)."""
