"""Portfolio benchmark of an assessment among the workspace's closed assessments.

Peers are the workspace's *closed*, non-demo assessments other than the one benchmarked
(its own earlier or later assessments of the same client included).  Their scores come from
:func:`assessment.services.assessments.compute_results`.

Cost: scoring a peer takes tens of milliseconds, so each peer's scores are cached per process.
The answers of a closed assessment are frozen (answering and imports refuse a closed
assessment; reopening clears ``closed_at`` and closing again sets a new one), so the cache
key is the assessment, its ``closed_at``, the questionnaire content hash and the element
overrides: a page view then costs one query plus scoring only peers closed since the last
view.  Figures in ``docs/trends.md``.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assessment.core.benchmark import Benchmark, PeerScores, benchmark
from assessment.core.results import Results
from assessment.db.models import Assessment, AssessmentStatus, Client
from assessment.db.tenancy import current_workspace
from assessment.services.assessments import compute_results

CACHE_SIZE = 4096


@dataclass(frozen=True)
class _Cached:
    respondents: int
    overall: float | None
    elements: dict[str, float | None]


_cache: OrderedDict[tuple[object, ...], _Cached] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class _Peer:
    assessment_id: int
    scores: PeerScores


@dataclass(frozen=True)
class BenchmarkView:
    """What the results page shows: the benchmark plus the filter choices."""

    result: Benchmark
    titles: dict[str, str]
    industries: tuple[str, ...]
    size_bands: tuple[str, ...]


def _scores(session: Session, a: Assessment) -> _Cached:
    key = (
        current_workspace(session),
        a.id,
        str(a.closed_at),
        a.questionnaire_version.content_hash,
        json.dumps(a.overrides or {}, sort_keys=True),
    )
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    results = compute_results(session, a)
    value = _Cached(
        results.respondents, results.overall.score, {el.id: el.score for el in results.elements}
    )
    with _lock:
        _cache[key] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def peers(session: Session) -> list[_Peer]:
    """Every closed, non-demo assessment of the workspace with its scores."""
    rows = session.execute(
        select(Assessment, Client.industry, Client.size_band)
        .join(Client, Client.id == Assessment.client_id)
        .options(selectinload(Assessment.questionnaire_version))
        .where(Assessment.status == AssessmentStatus.CLOSED, Assessment.is_demo.is_(False))
        .order_by(Assessment.id)
    ).all()
    out = []
    for a, industry, size_band in rows:
        scores = _scores(session, a)
        if scores.respondents == 0:
            continue  # no answers: nothing to compare
        out.append(
            _Peer(
                a.id,
                PeerScores(scores.overall, scores.elements, industry or "", size_band or ""),
            )
        )
    return out


def benchmark_of(
    session: Session,
    assessment: Assessment,
    results: Results,
    industry: str = "",
    size_band: str = "",
) -> BenchmarkView:
    """Percentiles of the assessment's scores among its peers (itself and demos excluded)."""
    pool = [p.scores for p in peers(session) if p.assessment_id != assessment.id]
    result = benchmark(
        results.overall.score,
        {el.id: el.score for el in results.elements},
        pool,
        industry=industry.strip(),
        size_band=size_band.strip(),
    )
    return BenchmarkView(
        result,
        {el.id: el.title for el in results.elements},
        tuple(sorted({p.industry for p in pool if p.industry}, key=str.casefold)),
        tuple(sorted({p.size_band for p in pool if p.size_band}, key=str.casefold)),
    )


def clear_cache() -> None:
    """Forget every cached peer score (tests, benchmarks)."""
    with _lock:
        _cache.clear()
