"""Shared fixtures: the hand-checkable mini questionnaire and the standard one."""

from __future__ import annotations

from collections.abc import Iterator
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


@pytest.fixture(scope="session", autouse=True)
def template_databases(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep this session's migrated template database in its temporary folder.

    The template itself is built on first use (see :mod:`tests.databases`), so sessions
    without database tests do not pay for it.
    """
    from tests import databases

    databases.set_folder(tmp_path_factory.mktemp("databases"))


# The scrypt cost the tests hash passwords with (production: werkzeug's N=2**15).
TEST_SCRYPT = "scrypt:1024:8:1"


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Hash passwords in this process at a low scrypt cost.

    The suite creates and signs in hundreds of accounts, and scrypt at the production cost
    is slow on purpose (a tenth of a second or more per hash).  The algorithm, the code path
    and the stored format ("scrypt:N:r:p$salt$hash") stay the same; only the work factor is
    lower, and only here: servers the tests start in their own processes hash as in
    production.  The dummy hash for unknown e-mails gets the same cost, so both sign-in
    paths still take the same time.
    """
    from werkzeug.security import generate_password_hash

    from assessment.services import accounts

    def cheap(password: str, method: str = "scrypt", salt_length: int = 16) -> str:
        if method == "scrypt":
            method = TEST_SCRYPT
        return generate_password_hash(password, method=method, salt_length=salt_length)

    patch = pytest.MonkeyPatch()
    patch.setattr(accounts, "generate_password_hash", cheap)
    patch.setattr(accounts, "_DUMMY_HASH", cheap("not-a-real-password"))
    yield
    patch.undo()
