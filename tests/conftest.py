"""Shared fixtures: the hand-checkable mini questionnaire and the standard one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessment.core.loader import find_questionnaire, load_questionnaire
from assessment.core.model import Questionnaire

DATA = Path(__file__).parent / "data"


def _use_worker_database() -> None:
    """Under pytest-xdist, give each worker a PostgreSQL database of its own.

    Done when this module is imported, before the conftests and test modules that read
    ``TEST_DATABASE_URL`` at import; servers the tests start inherit the worker's URL.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = os.environ.get("TEST_DATABASE_URL", "")
    if worker and url and not url.endswith(f"_{worker}"):
        from tests.databases import worker_database

        os.environ["TEST_DATABASE_URL"] = worker_database(url, worker)


_use_worker_database()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tell pytest-xdist (``--dist loadgroup``) which tests must share a worker.

    By default a module's tests stay together, so module-scoped fixtures (a rendered PDF,
    a running server) are built once.  Modules reading the session's standard report share
    one worker: it is rendered once and its file is not rewritten while another reads it.
    The browser journeys share one Chromium.  Tests using Redis run one after another on
    one worker, as they empty the shared test database and count rate limits in it.
    """
    if not getattr(config.option, "loadgroup", False):  # set in xdist workers with loadgroup
        return
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    for module, members in modules.items():
        if any("standard_report" in item.fixturenames for item in members):
            group = "standard-report"
        elif module.startswith("tests/browser/"):
            group = "browser"
        else:
            group = module.removeprefix("tests/").removesuffix(".py")
        for item in members:
            uses_redis = item.get_closest_marker("redis") or "redis_url" in item.fixturenames
            _put_in_group(item, "redis" if uses_redis else group)


def _put_in_group(item: pytest.Item, group: str) -> None:
    """Mark ``item`` for ``group`` the way pytest-xdist's scheduler reads it: from the id.

    pytest-xdist passes the group to its scheduler as a suffix of the test's id
    (``...::test_x@group``), which it writes to ``item._nodeid``; pytest 9.2 keeps ids in
    ``item._id``, so the suffix is lost and the groups are silently ignored (pytest-xdist
    issue 1386).  Until a fixed release, the suffix is set here where this pytest keeps it;
    this hook runs before xdist's, whose own (ineffective) write then changes nothing.
    """
    item.add_marker(pytest.mark.xdist_group(group))
    if not hasattr(item, "_id"):
        return  # an older pytest: pytest-xdist sets the suffix itself
    from _pytest.nodeid import NodeId

    item._id = NodeId.parse(f"{item.nodeid}@{group}")


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
            # Written aside and moved into place: a parallel worker may be reading it.
            partial = mo.with_name(f".{mo.name}.{os.getpid()}")
            with partial.open("wb") as fh:
                write_mo(fh, catalog)
            os.replace(partial, mo)


@pytest.fixture(scope="session", autouse=True)
def template_databases(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep this session's migrated template database in its temporary folder.

    The template itself is built on first use (see :mod:`tests.databases`), so sessions
    without database tests do not pay for it.
    """
    from tests import databases

    databases.set_folder(tmp_path_factory.mktemp("databases"))


@pytest.fixture(autouse=True)
def worker_engines() -> Iterator[None]:
    """Each test starts without the worker engines an earlier test cached (they are kept per
    database address for the life of a process: a test database may be rebuilt in place)."""
    yield
    from assessment.workers import dispose_engines

    dispose_engines()


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
