"""The size of the prize of an assessment, from its own stored data.

Reads the assessment's organization profile and its CRM evidence in use (the newest
import) and hands them, with the scored results, to the pure assembly
:func:`assessment.core.prize_inputs.prize_inputs`; the deck and the PDF both call
:func:`prize_of`, so they show the same figures.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from assessment.core.model import Questionnaire
from assessment.core.prize import Prize
from assessment.core.prize_inputs import prize_of_results
from assessment.core.results import Results
from assessment.db.models import Assessment
from assessment.services.crm_evidence import current_evidence
from assessment.services.profiles import profile_of


def prize_of(session: Session, assessment: Assessment, results: Results, q: Questionnaire) -> Prize:
    """The size of the prize of ``assessment``: ``results`` are its scored results (live or
    the guest's), ``q`` its questionnaire in the report's language.  Every lever whose
    inputs are missing is returned as omitted, naming them; the caller decides whether to
    show a prize without any estimated lever."""
    evidence = current_evidence(session, assessment.id)
    return prize_of_results(
        results, q, profile_of(session, assessment), evidence.kpis if evidence else None
    )
