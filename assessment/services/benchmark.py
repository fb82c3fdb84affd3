"""Portfolio benchmark of an assessment among the workspace's closed assessments.

Peers are the workspace's *closed*, non-demo assessments other than the one benchmarked
(its own earlier or later assessments of the same client included) that used the **same
questionnaire id**.  A peer on another version of that questionnaire contributes only the
scores that compare (:func:`comparable_parts`: same element id and the trend rule for
question sets; overall only with equal element weights).

Cost: peer scores are the stored results summaries (:mod:`assessment.services.summaries`),
written when an assessment closes.  A page view reads every peer's summary and checks that
it is current with a fixed number of queries, whatever the number of peers, in every
process, also right after a restart; only a peer without a current summary is scored (and
stored).  Figures in ``docs/scale.md``.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.core.benchmark import (
    Benchmark,
    Comparable,
    PeerScores,
    benchmark,
    comparable_parts,
)
from assessment.core.results import Results
from assessment.db.models import (
    Assessment,
    AssessmentStatus,
    Client,
    QuestionnaireVersion,
    ResultsSummary,
)
from assessment.services.questionnaires import model_of
from assessment.services.summaries import (
    STORED_COLUMNS,
    Stored,
    Subject,
    settings_key_of,
    summaries_of,
)

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
    """Every closed, non-demo assessment of the workspace with its stored scores.

    Plain columns, not entities: hundreds of peers are read on every results page.
    """
    rows = session.execute(
        select(
            Assessment.id,
            Assessment.questionnaire_version_id,
            Assessment.overrides,
            Assessment.min_group_size,
            Client.industry,
            Client.size_band,
            *STORED_COLUMNS,
        )
        .join(Client, Client.id == Assessment.client_id)
        .outerjoin(ResultsSummary, ResultsSummary.assessment_id == Assessment.id)
        .where(Assessment.status == AssessmentStatus.CLOSED, Assessment.is_demo.is_(False))
        .order_by(Assessment.id)
    ).all()
    version_ids = sorted({row[1] for row in rows})
    versions = {
        v.id: v
        for v in session.scalars(
            select(QuestionnaireVersion).where(QuestionnaireVersion.id.in_(version_ids))
        )
    }
    subjects = [
        Subject(aid, settings_key_of(versions[vid].content_hash, overrides, group))
        for aid, vid, overrides, group, *_rest in rows
    ]
    stored = {row[6]: Stored(*row[6:]) for row in rows if row[6] is not None}
    scores = summaries_of(session, subjects, stored=stored)
    out = []
    for aid, vid, _overrides, _group, industry, size_band, *_rest in rows:
        found = scores.get(aid)
        if found is None or found.respondents == 0:
            continue  # no answers: nothing to compare
        out.append(
            _Peer(
                aid,
                versions[vid],
                found.weights,
                PeerScores(found.overall, found.elements, industry or "", size_band or ""),
            )
        )
    return out


def _weights_key(weights: dict[str, float]) -> str:
    return json.dumps(weights, sort_keys=True)


def _comparable_of(
    mine: QuestionnaireVersion,
    my_weights: dict[str, float],
    my_key: str,
    peer: _Peer,
    peer_key: str,
) -> Comparable:
    """Which of the peer's scores compare with mine (cached per pair of versions/weights)."""
    key = (mine.content_hash, my_key, peer.version.content_hash, peer_key)
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
    my_key = _weights_key(my_weights)
    # Most peers share a few weight sets: serialise each set once, not once per peer.
    keys: dict[tuple[tuple[str, float], ...], str] = {}
    pool = []
    for p in peers(session):
        if p.assessment_id == assessment.id or p.version.qid != mine.qid:
            continue
        items = tuple(p.weights.items())
        peer_key = keys.get(items)
        if peer_key is None:
            peer_key = keys[items] = _weights_key(p.weights)
        parts = _comparable_of(mine, my_weights, my_key, p, peer_key)
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
