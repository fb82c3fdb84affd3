"""Codes for team figures and team reports (``assessment.services.teams``)."""

from __future__ import annotations

from assessment.messages.base import N_, define

define(
    {
        "team.unknown": N_("no team called '%(team)s' answered this assessment"),
        "team.too_small": N_(
            "team '%(team)s' has no figures to report: it has fewer than %(num)s respondents "
            "with answers, or showing it would reveal a smaller team"
        ),
    }
)
