"""Runners for report jobs: a background thread in the web process, or RQ workers.

A runner only schedules :func:`assessment.services.report_jobs.execute_job`; the service
does the work.  Without ``REDIS_URL`` one background thread per web process renders jobs
one at a time; with it, jobs go to an RQ queue served by ``saleshealth worker`` processes,
which keep one long-lived renderer (and its warm fonts) each.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from assessment.services.report_jobs import execute_job

QUEUE_NAME = "saleshealth-reports"
_RUNNER_KEY = "saleshealth.report_runner"


@dataclass(frozen=True)
class RenderBounds:
    """How long and how much memory one render may take, and its typesetting processes."""

    timeout_s: float
    memory_mb: int
    workers: int = 0

    @classmethod
    def from_config(cls, config: Any) -> RenderBounds:
        """Read ``REPORT_TIMEOUT_S``, ``REPORT_MEMORY_MB`` and ``REPORT_RENDER_WORKERS``."""
        return cls(
            float(config["REPORT_TIMEOUT_S"]),
            int(config["REPORT_MEMORY_MB"]),
            int(config.get("REPORT_RENDER_WORKERS", 0)),
        )


class Runner(Protocol):
    """Something that runs a report job soon, somewhere."""

    def submit(self, job_id: int) -> None:
        """Schedule the job."""


def run_job(sessions: sessionmaker[Session], job_id: int, bounds: RenderBounds) -> None:
    """Render one job in a session of its own."""
    with sessions() as session:
        execute_job(session, job_id, bounds.timeout_s, bounds.memory_mb, bounds.workers)


class InProcessRunner:
    """One background thread per web process renders jobs one at a time."""

    def __init__(self, sessions: sessionmaker[Session], bounds: RenderBounds) -> None:
        self.sessions = sessions
        self.bounds = bounds
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report")

    def submit(self, job_id: int) -> None:
        """Render in this process's background thread."""
        self.pool.submit(run_job, self.sessions, job_id, self.bounds)


class RQRunner:
    """Jobs go to an RQ queue on Redis; ``saleshealth worker`` processes render them."""

    def __init__(self, redis_url: str, timeout_s: float) -> None:
        from redis import Redis
        from rq import Queue

        self.queue = Queue(QUEUE_NAME, connection=Redis.from_url(redis_url))
        self.timeout_s = timeout_s

    def submit(self, job_id: int) -> None:
        """Enqueue the job for a worker."""
        self.queue.enqueue(
            "assessment.workers.reports.rq_entry",
            job_id,
            job_timeout=int(self.timeout_s) + 60,
            failure_ttl=24 * 3600,
        )


_runner_lock = threading.Lock()


def runner_for(config: Any, extensions: dict[str, Any], engine: Any) -> Runner:
    """The process's runner for an app (created once and kept in its ``extensions``)."""
    with _runner_lock:
        runner: Runner | None = extensions.get(_RUNNER_KEY)
        if runner is None:
            bounds = RenderBounds.from_config(config)
            url = config.get("REDIS_URL")
            if url:
                runner = RQRunner(url, bounds.timeout_s)
            else:
                runner = InProcessRunner(sessionmaker(bind=engine, expire_on_commit=False), bounds)
            extensions[_RUNNER_KEY] = runner
        return runner


class _WorkerState:
    sessions: sessionmaker[Session] | None = None
    bounds: RenderBounds | None = None


def prepare_worker(config: dict[str, Any]) -> None:
    """Set up this RQ worker process: its database sessions and render bounds."""
    from assessment.workers import session_factory

    _WorkerState.sessions = session_factory(config)
    _WorkerState.bounds = RenderBounds.from_config(config)


def rq_entry(job_id: int) -> None:
    """What an RQ worker runs: render one job with the worker's sessions."""
    if _WorkerState.sessions is None or _WorkerState.bounds is None:
        from assessment.workers import worker_config

        prepare_worker(worker_config())
    assert _WorkerState.sessions is not None and _WorkerState.bounds is not None
    run_job(_WorkerState.sessions, job_id, _WorkerState.bounds)
