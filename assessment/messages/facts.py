"""Codes for organization facts (``assessment.services.facts``)."""

from __future__ import annotations

from assessment.messages.base import N_, define

define(
    {
        "fact.not_kpi": N_("%(question)s is not a KPI question of this questionnaire"),
        "fact.unknown_question": N_("unknown question %(question)s"),
        "fact.not_number": N_("%(question)s: a fact must be a number"),
        "fact.no_source": N_("%(question)s: say where the figure comes from"),
        "fact.source_too_long": N_("%(question)s: the source is longer than %(max)s characters"),
        "fact.note_too_long": N_("%(question)s: the note is longer than %(max)s characters"),
    }
)
