"""Portfolio benchmark of an assessment among the workspace's closed assessments.

Peers are the workspace's *closed*, non-demo assessments other than the one benchmarked
(its own earlier or later assessments of the same client included) that used the **same
questionnaire id**.  A peer on another version of that questionnaire contributes only the
scores that compare (:func:`comparable_parts`: same element id and the trend rule for
question sets; overall only with equal element weights).

Cost: peer scores are the stored results summaries (:mod:`assessment.services.summaries`),
written when an assessment closes.  The answers of a closed assessment are frozen
(answering and imports refuse a closed assessment; reopening clears ``closed_at`` and
closing again sets a new one), so a summary computed after the closing stays current until
the questionnaire content, the overrides or the minimum group size change.  A page view
therefore costs a fixed number of queries whatever the number of peers, in every process,
also right after a restart; only a peer without a current summary is scored (and stored).
Figures in ``docs/scale.md``.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from assessment.core.benchmark import (
    Benchmark,
    Comparable,
    PeerScores,
    benchmark,
    comparable_parts,
)
from assessment.core.results import Results
from assessment.db.models import Assessment, AssessmentStatus, Client, QuestionnaireVersion
from assessment.services.questionnaires import model_of
from assessment.services.summaries import summaries_of

CACHE_SIZE = 4096

_comparable: OrderedDict[tuple[str, str, str, str], Comparable] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class _Peer:
    assessment_id: int
    version: QuestionnaireVersion
    weights: dict[str, float]
    scores: PeerScores


@dataclass(frozen=True)
class BenchmarkView:
    """What the results page shows: the benchmark plus the filter choices."""

    result: Benchmark
    titles: dict[str, str]
    industries: tuple[str, ...]
    size_bands: tuple[str, ...]
    questionnaire_id: str
    questionnaire_title: str


def peers(session: Session) -> list[_Peer]:
    """Every closed, non-demo assessment of the workspace with its stored scores."""
    rows = session.execute(
        select(Assessment, Client.industry, Client.size_band)
        .join(Client, Client.id == Assessment.client_id)
        .options(selectinload(Assessment.questionnaire_version))
        .where(Assessment.status == AssessmentStatus.CLOSED, Assessment.is_demo.is_(False))
        .order_by(Assessment.id)
    ).all()
    stored = summaries_of(session, [a for a, _industry, _size in rows])
    out = []
    for a, industry, size_band in rows:
        scores = stored.get(a.id)
        if scores is None or scores.respondents == 0:
            continue  # no answers: nothing to compare
        out.append(
            _Peer(
                a.id,
                a.questionnaire_version,
                scores.weights,
                PeerScores(scores.overall, scores.elements, industry or "", size_band or ""),
            )
        )
    return out


def _weights_key(weights: dict[str, float]) -> str:
    return json.dumps(weights, sort_keys=True)


def _comparable_of(
    mine: QuestionnaireVersion, my_weights: dict[str, float], peer: _Peer
) -> Comparable:
    """Which of the peer's scores compare with mine (cached per pair of versions/weights)."""
    key = (
        mine.content_hash,
        _weights_key(my_weights),
        peer.version.content_hash,
        _weights_key(peer.weights),
    )
    with _lock:
        hit = _comparable.get(key)
    if hit is not None:
        return hit
    value = comparable_parts(model_of(mine), my_weights, model_of(peer.version), peer.weights)
    with _lock:
        _comparable[key] = value
        while len(_comparable) > CACHE_SIZE:
            _comparable.popitem(last=False)
    return value


def comparable_pool(
    session: Session, assessment: Assessment, results: Results
) -> list[tuple[QuestionnaireVersion, PeerScores]]:
    """The peers of an assessment: same questionnaire id, with non-comparable scores blanked."""
    mine = assessment.questionnaire_version
    my_weights = {el.id: el.weight for el in results.elements}
    pool = []
    for p in peers(session):
        if p.assessment_id == assessment.id or p.version.qid != mine.qid:
            continue
        parts = _comparable_of(mine, my_weights, p)
        scores = PeerScores(
            p.scores.overall if parts.overall else None,
            {k: v for k, v in p.scores.elements.items() if k in parts.elements},
            p.scores.industry,
            p.scores.size_band,
        )
        pool.append((p.version, scores))
    return pool


def benchmark_of(
    session: Session,
    assessment: Assessment,
    results: Results,
    industry: str = "",
    size_band: str = "",
) -> BenchmarkView:
    """Percentiles of the assessment's scores among its peers (same questionnaire id;
    itself and demos excluded; filters refused when they could single out a peer)."""
    pool = comparable_pool(session, assessment, results)
    result = benchmark(
        results.overall.score,
        {el.id: el.score for el in results.elements},
        [scores for _version, scores in pool],
        industry=industry.strip(),
        size_band=size_band.strip(),
    )
    mine = assessment.questionnaire_version
    return BenchmarkView(
        result,
        {el.id: el.title for el in results.elements},
        result.industries,
        result.size_bands,
        mine.qid,
        mine.title,
    )


def clear_cache() -> None:
    """Forget the per-process cache of comparable parts (tests, benchmarks).

    Peer scores are stored in the database (results summaries), not in the process.
    """
    with _lock:
        _comparable.clear()
