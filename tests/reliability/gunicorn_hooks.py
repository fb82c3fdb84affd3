"""gunicorn configuration for the fault tests: installs tests.reliability.testing_hooks per worker.

Used as ``gunicorn --config tests/reliability/gunicorn_hooks.py 'assessment.app:create_app()'``
with ``SALESHEALTH_TEST_COMMIT_DELAY`` (and friends) in the environment.
"""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    """After a worker has loaded the app, slow its write transactions down before COMMIT."""
    from tests.reliability.testing_hooks import install

    install(worker.wsgi)
