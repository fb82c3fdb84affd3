"""Published questionnaire versions: store the shipped ones, rebuild models from storage."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from assessment.core.i18n import localize
from assessment.core.loader import (
    assemble_document,
    build_questionnaire,
    find_questionnaire_dir,
    read_catalogues,
)
from assessment.core.model import Questionnaire
from assessment.db import write_transaction
from assessment.db.models import QuestionnaireVersion
from assessment.db.tenancy import current_workspace

STANDARD_ID = "sales-org-health"


def publish_shipped(session: Session, qid: str = STANDARD_ID) -> QuestionnaireVersion:
    """Store the shipped questionnaire (if this exact content is new) and return it."""
    folder = find_questionnaire_dir(qid)
    document = assemble_document(folder)
    catalogues = read_catalogues(folder)
    model = build_questionnaire(document, str(folder))
    existing = session.scalar(
        select(QuestionnaireVersion).where(QuestionnaireVersion.content_hash == model.content_hash)
    )
    if existing is not None:
        if existing.catalogues != catalogues:
            with write_transaction(session):
                existing.catalogues = catalogues
            for key in [k for k in _CACHE if k[0] == existing.content_hash]:
                del _CACHE[key]
            _LANGUAGES.pop(existing.content_hash, None)
        return existing
    with write_transaction(session):
        version = QuestionnaireVersion(
            workspace_id=None,
            qid=model.id,
            version=model.version,
            title=model.title,
            content_hash=model.content_hash,
            document=document,
            catalogues=catalogues,
        )
        session.add(version)
    return version


def available_versions(session: Session) -> list[QuestionnaireVersion]:
    """Versions the current workspace may start an assessment with (shipped and its own)."""
    workspace_id = current_workspace(session)
    return list(
        session.scalars(
            select(QuestionnaireVersion)
            .where(
                or_(
                    QuestionnaireVersion.workspace_id.is_(None),
                    QuestionnaireVersion.workspace_id == workspace_id,
                )
            )
            .order_by(QuestionnaireVersion.qid, QuestionnaireVersion.created_at.desc())
        )
    )


_CACHE: dict[tuple[str, str], Questionnaire] = {}
_LANGUAGES: dict[str, list[str]] = {}


def _base_model(version: QuestionnaireVersion) -> Questionnaire:
    key = (version.content_hash, "")
    base = _CACHE.get(key)
    if base is None:
        base = build_questionnaire(version.document, f"stored questionnaire {version.qid}")
        if base.content_hash != version.content_hash:
            raise RuntimeError(f"stored questionnaire {version.qid} no longer matches its hash")
        _CACHE[key] = base
    return base


def languages_of(version: QuestionnaireVersion) -> list[str]:
    """Languages the stored version can be answered in (its own first)."""
    found = _LANGUAGES.get(version.content_hash)
    if found is None:
        own = _base_model(version).language
        found = [own, *sorted(set(version.catalogues or {}) - {own})]
        _LANGUAGES[version.content_hash] = found
    return found


def model_of(version: QuestionnaireVersion, lang: str | None = None) -> Questionnaire:
    """The questionnaire model of a stored version, in ``lang`` when a catalogue exists.

    Published versions never change, so models are cached per process by content hash and
    the large stored documents are read from the database only on a cache miss.
    """
    base = _base_model(version)
    if not lang or lang == base.language or lang not in languages_of(version):
        return base
    key = (version.content_hash, lang)
    model = _CACHE.get(key)
    if model is None:
        model = localize(base, version.catalogues[lang], lang)
        _CACHE[key] = model
    return model


def warm_cache(session: Session) -> int:
    """Build every stored version's model in every language now (server start-up)."""
    count = 0
    for version in session.scalars(select(QuestionnaireVersion)):
        for lang in languages_of(version):
            model_of(version, lang)
            count += 1
    return count
