"""Portfolio benchmark of an assessment among the workspace's closed assessments.

Peers are the workspace's *closed*, non-demo assessments other than the one benchmarked
(its own earlier or later assessments of the same client included).  Their scores come from
:func:`assessment.services.assessments.compute_results`; because closed answers are frozen,
each peer's scores are cached per process under a fingerprint of everything they depend on
(questionnaire content, answer count and last change, element overrides), so a page view
costs two queries plus scoring only the peers that changed since the last view.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from assessment.core.benchmark import Benchmark, PeerScores, benchmark
from assessment.core.results import Results
from assessment.db.models import Answer, Assessment, AssessmentStatus, Client, Respondent
from assessment.db.tenancy import current_workspace
from assessment.services.assessments import compute_results

CACHE_SIZE = 4096
_cache: OrderedDict[tuple[object, ...], tuple[float | None, dict[str, float | None]]] = (
    OrderedDict()
)
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


def _fingerprints(session: Session, ids: list[int]) -> dict[int, tuple[int, str]]:
    if not ids:
        return {}
    rows = session.execute(
        select(Respondent.assessment_id, func.count(Answer.id), func.max(Answer.updated_at))
        .join(Answer, Answer.respondent_id == Respondent.id)
        .where(Respondent.assessment_id.in_(ids))
        .group_by(Respondent.assessment_id)
    ).all()
    return {aid: (int(n), str(last)) for aid, n, last in rows}


def _scores(
    session: Session, a: Assessment, fingerprint: tuple[int, str]
) -> tuple[float | None, dict[str, float | None]]:
    key = (
        current_workspace(session),
        a.id,
        a.questionnaire_version.content_hash,
        fingerprint,
        json.dumps(a.overrides or {}, sort_keys=True),
    )
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    results = compute_results(session, a)
    value = (results.overall.score, {el.id: el.score for el in results.elements})
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
    prints = _fingerprints(session, [a.id for a, _i, _s in rows])
    out = []
    for a, industry, size_band in rows:
        fp = prints.get(a.id)
        if fp is None:
            continue  # no answers: nothing to compare
        overall, elements = _scores(session, a, fp)
        out.append(_Peer(a.id, PeerScores(overall, elements, industry or "", size_band or "")))
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
