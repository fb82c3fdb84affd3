"""Results with their team figures (``docs/scoring.md``, "Team cuts").

The team figures need the same respondents as the results; reading them once and scoring
both keeps every page that shows teams at the query count of the results alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from assessment.core.cut_results import TeamCuts
from assessment.core.cuts import team_cuts
from assessment.core.results import Results
from assessment.db.models import Assessment
from assessment.services.assessments import compute_results, core_respondents, questionnaire_of
from assessment.services.errors import Invalid


@dataclass(frozen=True)
class ResultsWithTeams:
    """An assessment's live results and its team figures."""

    results: Results
    teams: TeamCuts


def results_with_teams(
    session: Session, assessment: Assessment, lang: str | None = None
) -> ResultsWithTeams:
    """Live results and the team figures of the same answers."""
    people = core_respondents(session, assessment)
    results = compute_results(session, assessment, lang, people=people)
    q = questionnaire_of(assessment, lang)
    return ResultsWithTeams(results, team_cuts(q, people, results))


def reportable_team(teams: TeamCuts, name: str) -> str:
    """``name`` when a team report may be made for it, else Invalid.

    A team report needs the team shown in at least one element: it meets the minimum group
    size there and no protection withholds it.
    """
    team = teams.team(name.strip())
    if team is None:
        raise Invalid("team.unknown", field="team", team=name[:100])
    if not team.shown:
        raise Invalid("team.too_small", field="team", team=team.name, num=teams.min_group_size)
    return team.name
