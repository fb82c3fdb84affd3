"""Trends of a client's assessments, and the version mappings they use.

Mappings come from two places: those shipped with the questionnaires
(``questionnaires/<id>/mappings/*.yaml``) and those a workspace uploaded.  For a pair of
versions the workspace's own mapping wins over the shipped one.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, selectinload

from assessment.core.results import Results
from assessment.core.trends import MappingIndex, Trend, TrendSource, VersionMap, compute_trend
from assessment.db import write_transaction
from assessment.db.models import Assessment, AssessmentStatus, QuestionnaireVersion, VersionMapping
from assessment.io.version_mapping import (
    VersionMappingError,
    check_against,
    parse_version_mapping,
    shipped_mapping_files,
    shipped_mappings,
)
from assessment.messages import Lines
from assessment.services.actor import Actor
from assessment.services.assessments import compute_results, questionnaire_of
from assessment.services.clients import get_client
from assessment.services.errors import Invalid, NotFound
from assessment.services.questionnaires import available_versions, model_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MappingInfo:
    """A version mapping, for listing: uploaded by the workspace, or shipped."""

    id: int
    from_label: str
    to_label: str
    elements: int
    questions: int
    created_at: datetime | None
    shipped: bool = False
    """Shipped with the questionnaire (it cannot be removed; an upload for the same pair
    takes its place)."""


_SHIPPED_MAPS: dict[str, tuple[tuple[tuple[str, int, int], ...], list[VersionMap]]] = {}


def shipped_version_maps() -> list[VersionMap]:
    """The mappings shipped with the questionnaires: read once per process while their files
    are unchanged.  A file that does not parse is logged and left out (``questionnaire
    validate`` and the tests report it)."""
    files = shipped_mapping_files()
    signature = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)
    cached = _SHIPPED_MAPS.get("maps")
    if cached is None or cached[0] != signature:
        maps, problems = shipped_mappings()
        for problem in problems:
            log.warning("shipped version mapping left out: %s", problem)
        cached = _SHIPPED_MAPS["maps"] = (signature, maps)
    return list(cached[1])


def _when(a: Assessment) -> datetime:
    return a.closed_at or a.opened_at or a.created_at


def trend_assessments(
    session: Session, client_id: int, *, closed_only: bool = False
) -> list[Assessment]:
    """A client's assessments that can be on a trend (not drafts; ``closed_only``: closed
    ones, for a client's guest), oldest first."""
    status = (
        Assessment.status == AssessmentStatus.CLOSED
        if closed_only
        else Assessment.status != AssessmentStatus.DRAFT
    )
    return list(
        session.scalars(
            select(Assessment)
            .options(selectinload(Assessment.questionnaire_version))
            .where(Assessment.client_id == client_id, status)
            .order_by(Assessment.created_at, Assessment.id)
        )
    )


def _shipped_index(session: Session) -> MappingIndex:
    """The shipped mappings keyed by the content hashes of the stored shipped versions they
    name (a version stored with several contents gets the mapping for each)."""
    maps = shipped_version_maps()
    if not maps:
        return {}
    qids = sorted({m.from_id for m in maps} | {m.to_id for m in maps})
    hashes: dict[tuple[str, str], set[str]] = defaultdict(set)
    for qid, version, content_hash in session.execute(
        select(
            QuestionnaireVersion.qid,
            QuestionnaireVersion.version,
            QuestionnaireVersion.content_hash,
        ).where(QuestionnaireVersion.workspace_id.is_(None), QuestionnaireVersion.qid.in_(qids))
    ):
        hashes[(qid, version)].add(content_hash)
    index: dict[tuple[str, str], VersionMap] = {}
    for m in maps:
        for a in sorted(hashes.get((m.from_id, m.from_version), ())):
            for b in sorted(hashes.get((m.to_id, m.to_version), ())):
                index[(a, b)] = m
    return index


def mapping_index(session: Session) -> MappingIndex:
    """The version mappings keyed by (from content hash, to content hash): the shipped ones,
    then the workspace's uploads, which replace a shipped mapping of the same pair."""
    index = dict(_shipped_index(session))
    src = aliased(QuestionnaireVersion)
    dst = aliased(QuestionnaireVersion)
    rows = session.execute(
        select(VersionMapping.mapping, src.content_hash, dst.content_hash)
        .join(src, src.id == VersionMapping.from_version_id)
        .join(dst, dst.id == VersionMapping.to_version_id)
    ).all()
    index.update({(a, b): VersionMap.from_dict(m) for m, a, b in rows})
    return index


def source_of(
    session: Session, assessment: Assessment, lang: str | None, results: Results | None = None
) -> TrendSource:
    """An assessment as a trend source (results computed unless given)."""
    return TrendSource(
        key=assessment.id,
        title=assessment.title,
        when=_when(assessment).date(),
        questionnaire=questionnaire_of(assessment, lang),
        results=results if results is not None else compute_results(session, assessment, lang),
        status=assessment.status.value,
    )


def client_trend(
    session: Session, client_id: int, lang: str | None = None, *, closed_only: bool = False
) -> Trend:
    """Element and overall scores across the client's assessments that have answers
    (``closed_only``: closed assessments only, for a client's guest)."""
    get_client(session, client_id)
    sources = [
        source_of(session, a, lang)
        for a in trend_assessments(session, client_id, closed_only=closed_only)
    ]
    sources = [s for s in sources if s.results.respondents > 0]
    return compute_trend(sources, mapping_index(session))


def report_trend(
    session: Session,
    assessment: Assessment,
    lang: str | None = None,
    *,
    closed_only: bool = False,
) -> Trend | None:
    """The client's trend up to and including ``assessment`` (for its PDF report).

    None when no earlier assessment of the client has answers (nothing to compare);
    ``closed_only`` compares closed assessments only (a guest's report).
    """
    earlier = [
        a
        for a in trend_assessments(session, assessment.client_id, closed_only=closed_only)
        if (a.created_at, a.id) < (assessment.created_at, assessment.id)
    ]
    sources = [s for s in (source_of(session, a, lang) for a in earlier) if s.results.respondents]
    if not sources:
        return None
    sources.append(source_of(session, assessment, lang))
    return compute_trend(sources, mapping_index(session))


def chain_sources(
    session: Session, assessment: Assessment, results: Results, lang: str | None = None
) -> tuple[TrendSource, TrendSource] | None:
    """The assessment ``assessment`` follows up and ``assessment`` itself as trend sources
    (None without a previous one that has answers); the previous results are computed here,
    once for the change card and the plan's follow-through."""
    if assessment.previous_id is None:
        return None
    previous = session.scalar(select(Assessment).where(Assessment.id == assessment.previous_id))
    if previous is None:
        return None
    before = source_of(session, previous, lang)
    if before.results.respondents == 0:
        return None
    return before, source_of(session, assessment, lang, results)


def chain_trend(
    session: Session,
    assessment: Assessment,
    results: Results,
    lang: str | None = None,
    sources: tuple[TrendSource, TrendSource] | None = None,
) -> Trend | None:
    """The change of ``assessment`` against the one it follows up (None without one);
    ``sources`` from :func:`chain_sources` when the caller has them already."""
    pair = sources or chain_sources(session, assessment, results, lang)
    if pair is None:
        return None
    return compute_trend(list(pair), mapping_index(session))


def _find_version(
    session: Session, qid: str, version: str, side: str, name: str
) -> QuestionnaireVersion:
    found = [v for v in available_versions(session) if v.qid == qid and v.version == version]
    if not found:
        raise Invalid(
            "trend_mapping.no_version",
            field="upload",
            file=name,
            side=side,
            qid=qid,
            version=version,
        )
    if len(found) > 1:
        raise Invalid(
            "trend_mapping.ambiguous",
            field="upload",
            file=name,
            side=side,
            qid=qid,
            version=version,
            num=len(found),
        )
    return found[0]


def upload_mapping(session: Session, actor: Actor, data: bytes, filename: str) -> VersionMapping:
    """Validate a mapping file against both versions and store it (replacing an older one)."""
    actor.require_editor()
    name = filename or "mapping.yaml"
    try:
        vmap = parse_version_mapping(data, name)
        src = _find_version(session, vmap.from_id, vmap.from_version, "from", name)
        dst = _find_version(session, vmap.to_id, vmap.to_version, "to", name)
        check_against(vmap, model_of(src), model_of(dst), name)
    except VersionMappingError as exc:
        raise Invalid("form.detail", field="upload", detail=Lines(exc.located())) from exc
    with write_transaction(session):
        row = session.scalar(
            select(VersionMapping).where(
                VersionMapping.from_version_id == src.id, VersionMapping.to_version_id == dst.id
            )
        )
        if row is None:
            row = VersionMapping(from_version_id=src.id, to_version_id=dst.id)
            session.add(row)
        row.mapping = vmap.to_dict()
    return row


def list_mappings(session: Session) -> list[MappingInfo]:
    """The workspace's version mappings, newest first, then the shipped ones."""
    out = []
    for row in session.scalars(select(VersionMapping).order_by(VersionMapping.id.desc())):
        vmap = VersionMap.from_dict(row.mapping)
        out.append(
            MappingInfo(
                row.id,
                f"{vmap.from_id} {vmap.from_version}",
                f"{vmap.to_id} {vmap.to_version}",
                len(vmap.elements),
                len(vmap.questions),
                row.created_at,
            )
        )
    for vmap in shipped_version_maps():
        out.append(
            MappingInfo(
                0,
                f"{vmap.from_id} {vmap.from_version}",
                f"{vmap.to_id} {vmap.to_version}",
                len(vmap.elements),
                len(vmap.questions),
                None,
                shipped=True,
            )
        )
    return out


def delete_mapping(session: Session, actor: Actor, mapping_id: int) -> None:
    """Remove a stored mapping (trends fall back to stable ids for that pair)."""
    actor.require_editor()
    with write_transaction(session):
        row = session.scalar(select(VersionMapping).where(VersionMapping.id == mapping_id))
        if row is None:
            raise NotFound("trend_mapping.not_found")
        session.delete(row)
