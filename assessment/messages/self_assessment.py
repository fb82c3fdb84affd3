"""Codes for self-assessments and quick checks (``assessment.services.self_assessment``)."""

from __future__ import annotations

from assessment.messages.base import N_, define

define(
    {
        "self.questionnaire": N_("there is no questionnaire %(qid)s to assess with"),
        "grow.not_quick_check": N_("only a quick check grows into a team assessment"),
        "grow.not_submitted": N_("submit the quick check first, then invite your team"),
        "grow.no_questionnaire": N_(
            "the questionnaire %(qid)s this quick check grows into is not available"
        ),
    }
)
