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


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues() -> None:
    """Compile the interface catalogues when a .mo is missing or older than its .po."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[1] / "assessment" / "translations"
    for po in root.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=po.parent.parent.name)
            with mo.open("wb") as fh:
                write_mo(fh, catalog)
