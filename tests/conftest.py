"""Shared fixtures: the hand-checkable mini questionnaire and the standard one."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.core.loader import find_questionnaire, load_questionnaire
from assessment.core.model import Questionnaire

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def mini() -> Questionnaire:
    """A two-element questionnaire whose scores the tests compute by hand."""
    return load_questionnaire(DATA / "mini")


@pytest.fixture(scope="session")
def standard() -> Questionnaire:
    """The shipped twelve-element questionnaire."""
    return find_questionnaire("sales-org-health")
