"""``saleshealth score``: score an answers CSV."""

from __future__ import annotations

import json
from collections.abc import Sequence

import click

from assessment.cli.common import (
    answers_option,
    fail,
    fmt,
    min_group_size_option,
    profile_option,
    questionnaire_option,
    resolve_questionnaire,
)
from assessment.core.answers import AnswerError, Respondent, parse_answer
from assessment.core.kpi import is_kpi
from assessment.core.model import Questionnaire
from assessment.core.profile import OrganizationProfile, ProfileError, parse_profile
from assessment.core.results import Results
from assessment.core.scoring import KpiFact, ScoringError, score
from assessment.io.answers_csv import AnswersFileError, read_answers_file

FACT_SOURCE = "command line"


def parse_facts(q: Questionnaire, entries: Sequence[str]) -> dict[str, KpiFact]:
    """``QUESTION=VALUE`` options as KPI facts; exit 2 listing every bad one."""
    out: dict[str, KpiFact] = {}
    problems: list[str] = []
    questions = q.questions()
    for entry in entries:
        qid, sep, raw = entry.partition("=")
        question = questions.get(qid.strip())
        if not sep or question is None or not is_kpi(question):
            problems.append(f"--fact {entry!r}: expected KPI_QUESTION=VALUE with a number question")
            continue
        try:
            answer = parse_answer(question, raw)
        except AnswerError as exc:
            problems.append(f"--fact {entry!r}: {exc}")
            continue
        if not isinstance(answer.value, float):
            problems.append(f"--fact {entry!r}: a fact must be a number")
            continue
        out[question.id] = KpiFact(answer.value, FACT_SOURCE)
    if problems:
        fail([*problems, f"{len(problems)} problem(s); nothing was scored"])
    return out


def parse_profile_options(entries: Sequence[str]) -> OrganizationProfile | None:
    """``FIELD=VALUE`` options as the organization profile (None without any); exit 2 on a
    bad one."""
    if not entries:
        return None
    raw: dict[str, str] = {}
    for entry in entries:
        name, sep, value = entry.partition("=")
        if not sep:
            fail(f"--profile {entry!r}: expected FIELD=VALUE, e.g. business_type=distributor")
        raw[name.strip()] = value.strip()
    try:
        return parse_profile(raw)
    except ProfileError as exc:
        fail(f"--profile {exc.field}: {exc}")


def score_file(
    answers: str,
    questionnaire_ref: str,
    min_group_size: int | None,
    lang: str | None = None,
    outcome: str = "nothing was scored",
    facts: Sequence[str] = (),
    profile: OrganizationProfile | None = None,
) -> tuple[Results, Questionnaire]:
    """Read an answers CSV and score it (texts in ``lang``); exit 2 with every problem."""
    results, q, _people = score_file_with_people(
        answers, questionnaire_ref, min_group_size, lang, outcome, facts, profile
    )
    return results, q


def score_file_with_people(
    answers: str,
    questionnaire_ref: str,
    min_group_size: int | None,
    lang: str | None = None,
    outcome: str = "nothing was scored",
    facts: Sequence[str] = (),
    profile: OrganizationProfile | None = None,
) -> tuple[Results, Questionnaire, list[Respondent]]:
    """:func:`score_file`, also returning the respondents read (for the team figures)."""
    q = resolve_questionnaire(questionnaire_ref, None, lang)
    kpi_facts = parse_facts(q, facts)
    try:
        respondents = read_answers_file(answers, q)
    except AnswersFileError as exc:
        fail([*str(exc).splitlines(), f"{len(exc.problems)} problem(s); {outcome}"])
    try:
        results = score(
            q, respondents, min_group_size=min_group_size, kpi_facts=kpi_facts, profile=profile
        )
        return results, q, respondents
    except ScoringError as exc:  # pragma: no cover - the reader already checks the same
        fail(f"{answers}: {exc}")


@click.command("score")
@answers_option
@questionnaire_option
@min_group_size_option
@click.option(
    "--fact",
    "facts",
    multiple=True,
    metavar="QUESTION=VALUE",
    help="An organization fact for a KPI question (repeatable); it replaces the median of "
    "the answers.",
)
@profile_option
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
@click.option("--explain", is_flag=True, help="With --json: add per-question explanations.")
def score_command(
    answers: str,
    questionnaire_ref: str,
    min_group_size: int | None,
    facts: tuple[str, ...],
    profile: tuple[str, ...],
    as_json: bool,
    explain: bool,
) -> None:
    """Score an answers CSV (respondent,role,question,value[,comment])."""
    results, _ = score_file(
        answers,
        questionnaire_ref,
        min_group_size,
        facts=facts,
        profile=parse_profile_options(profile),
    )
    if as_json:
        click.echo(json.dumps(results.to_dict(explain=explain), ensure_ascii=False, indent=2))
        return
    click.echo(render_table(results))


def _ci(ci: tuple[float, float] | None) -> str:
    return "" if ci is None else f" ({ci[0]:.1f}-{ci[1]:.1f})"


def render_table(results: Results) -> str:
    """A readable plain-text summary of results."""
    o = results.overall
    lines = [
        f"Respondents: {results.respondents}  "
        + "  ".join(f"{r}={n}" for r, n in results.respondents_by_role.items() if n),
        f"Overall: {fmt(o.score)}{_ci(o.ci)}  level {o.level or '-'} {o.level_name or ''}".rstrip(),
        f"Practice index: {fmt(o.practice)}  KPI index: {fmt(o.kpi)}"
        f"  (method {results.method}, KPI share {results.kpi_share:g}, 90% intervals)",
        "",
        f"{'Element':<36} {'Score':>6} {'90% CI':>11} {'Prac':>5} {'KPI':>5} {'Lvl':>3}"
        f" {'Target':>6} {'Cover':>6} {'Agree':>6} {'Lead':>6} {'Front':>6} {'Gap':>7}  Flags",
    ]
    for el in results.elements:
        ci = "-" if el.ci is None else f"{el.ci[0]:.0f}-{el.ci[1]:.0f}"
        significant = "*" if el.gap_p is not None and el.gap_p < 0.05 else " "
        lines.append(
            f"{el.title[:36]:<36} {fmt(el.score):>6} {ci:>11} {fmt(el.practice, 0):>5}"
            f" {fmt(el.kpi, 0):>5} {el.level or '-':>3} {el.target:>6.0f}"
            f" {fmt(None if el.coverage is None else el.coverage * 100, 0, '%'):>6}"
            f" {fmt(el.agreement, 2):>6} {fmt(el.leadership):>6} {fmt(el.frontline):>6}"
            f" {fmt(el.gap):>6}{significant}  {', '.join(el.flags)}"
        )
    lines.append("(* gap significant at p < 0.05, Welch's t-test)")
    if results.recommendations:
        lines += ["", "Recommendations (highest priority first):"]
        for i, rec in enumerate(results.recommendations, 1):
            lines.append(
                f"{i:>3}. [{rec.priority:5.1f}] {rec.title}  ({rec.element}; effort {rec.effort},"
                f" impact {rec.impact}, {rec.horizon_days} days)"
            )
    return "\n".join(lines)
