"""``saleshealth score``: score an answers CSV."""

from __future__ import annotations

import json

import click

from assessment.cli.common import (
    answers_option,
    fail,
    fmt,
    min_group_size_option,
    questionnaire_option,
    resolve_questionnaire,
)
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.core.scoring import ScoringError, score
from assessment.io.answers_csv import AnswersFileError, read_answers_file


def score_file(
    answers: str,
    questionnaire_ref: str,
    min_group_size: int | None,
    lang: str | None = None,
    outcome: str = "nothing was scored",
) -> tuple[Results, Questionnaire]:
    """Read an answers CSV and score it (texts in ``lang``); exit 2 with every problem."""
    q = resolve_questionnaire(questionnaire_ref, None, lang)
    try:
        respondents = read_answers_file(answers, q)
    except AnswersFileError as exc:
        fail([*str(exc).splitlines(), f"{len(exc.problems)} problem(s); {outcome}"])
    try:
        return score(q, respondents, min_group_size=min_group_size), q
    except ScoringError as exc:  # pragma: no cover - the reader already checks the same
        fail(f"{answers}: {exc}")


@click.command("score")
@answers_option
@questionnaire_option
@min_group_size_option
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
@click.option("--explain", is_flag=True, help="With --json: add per-question explanations.")
def score_command(
    answers: str, questionnaire_ref: str, min_group_size: int | None, as_json: bool, explain: bool
) -> None:
    """Score an answers CSV (respondent,role,question,value[,comment])."""
    results, _ = score_file(answers, questionnaire_ref, min_group_size)
    if as_json:
        click.echo(json.dumps(results.to_dict(explain=explain), ensure_ascii=False, indent=2))
        return
    click.echo(render_table(results))


def render_table(results: Results) -> str:
    """A readable plain-text summary of results."""
    o = results.overall
    lines = [
        f"Respondents: {results.respondents}  "
        + "  ".join(f"{r}={n}" for r, n in results.respondents_by_role.items() if n),
        f"Overall: {fmt(o.score)}  level {o.level or '-'} {o.level_name or ''}".rstrip(),
        "",
        f"{'Element':<40} {'Score':>6} {'Lvl':>3} {'Target':>6} {'Cover':>6} {'Agree':>6}"
        f" {'Lead':>6} {'Front':>6} {'Gap':>6}  Flags",
    ]
    for el in results.elements:
        lines.append(
            f"{el.title[:40]:<40} {fmt(el.score):>6} {el.level or '-':>3} {el.target:>6.0f}"
            f" {fmt(None if el.coverage is None else el.coverage * 100, 0, '%'):>6}"
            f" {fmt(el.agreement, 2):>6} {fmt(el.leadership):>6} {fmt(el.frontline):>6}"
            f" {fmt(el.gap):>6}  {', '.join(el.flags)}"
        )
    if results.recommendations:
        lines += ["", "Recommendations (highest priority first):"]
        for i, rec in enumerate(results.recommendations, 1):
            lines.append(
                f"{i:>3}. [{rec.priority:5.1f}] {rec.title}  ({rec.element}; effort {rec.effort},"
                f" impact {rec.impact}, {rec.horizon_days} days)"
            )
    return "\n".join(lines)
