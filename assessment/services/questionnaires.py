"""Published questionnaire versions: shipped and custom ones, stored immutably.

The shipped questionnaires (``workspace_id`` null) are visible to every workspace.  A
workspace's owner may publish its own versions: uploaded as one self-contained YAML file,
or cloned from any version it can see with changed weights, targets and texts.  Rules:

* a published version never changes; the same content published again re-uses the row;
* the same (id, version) with different content is refused (choose a new version);
* a workspace's own questionnaire needs its own id (not one of the shipped ids);
* other workspaces never see it; assessments keep the version they were created with.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assessment.core.i18n import extract_texts, flatten, localize
from assessment.core.loader import (
    Problem,
    QuestionnaireError,
    assemble_document,
    build_questionnaire,
    find_questionnaire_dir,
    format_path,
    parse_yaml,
    questionnaire_ids,
    read_catalogues,
)
from assessment.core.model import Questionnaire
from assessment.db import write_transaction
from assessment.db.models import Assessment, QuestionnaireVersion, Workspace
from assessment.db.tenancy import current_workspace
from assessment.services.actor import Actor
from assessment.services.errors import Conflict, NotFound
from assessment.services.lru import LRUCache

STANDARD_ID = "sales-org-health"
MAX_UPLOAD_BYTES = 1024 * 1024
"""Largest questionnaire file accepted from a user (the standard one is about 110 KB)."""
VERSION_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_\-]*$")
_LIMIT = f"the limit is {MAX_UPLOAD_BYTES:,} bytes (1 MB)"
UNTRANSLATED_KEYS = ("title", "description")
"""Catalogue keys dropped when a clone renames itself: its own title is used everywhere."""


@dataclass(frozen=True)
class _Shipped:
    document: dict[str, Any]
    catalogues: dict[str, Any]
    model: Questionnaire


_SHIPPED: dict[str, tuple[tuple[tuple[str, int, int], ...], _Shipped]] = {}


def _files_signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Every file of a questionnaire folder with its size and modification time."""
    out = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        st = path.stat()
        out.append((str(path), st.st_size, st.st_mtime_ns))
    return tuple(out)


def _read_shipped(qid: str) -> _Shipped:
    """The shipped questionnaire as stored: read and validated once per process while its
    files are unchanged (validating the YAML takes about a second, and self-assessments and
    demo loading ask for it on every request).  Callers get their own copies of the
    documents, so nothing they do can change the cached ones."""
    folder = find_questionnaire_dir(qid)
    signature = _files_signature(folder)
    cached = _SHIPPED.get(qid)
    if cached is None or cached[0] != signature:
        document = assemble_document(folder)
        # In the shape the database gives back (JSON: level numbers as strings), so the
        # stored catalogues compare equal and are not rewritten on every start.
        catalogues = json.loads(json.dumps(read_catalogues(folder)))
        shipped = _Shipped(document, catalogues, build_questionnaire(document, str(folder)))
        _SHIPPED[qid] = cached = (signature, shipped)
    shipped = cached[1]
    return _Shipped(
        copy.deepcopy(shipped.document), copy.deepcopy(shipped.catalogues), shipped.model
    )


@dataclass(frozen=True)
class ShippedQuestionnaire:
    """A questionnaire shipped with the application, as a self-assessment offers it."""

    id: str
    title: str
    """In the language asked for, when the questionnaire has it."""
    description: str
    quick_check: bool
    questions: int
    """How many questions it asks a leader (an executive), the longest role's share."""


def shipped_questionnaires(lang: str | None = None) -> list[ShippedQuestionnaire]:
    """Every shipped questionnaire (newest version of each id): quick checks first, then by
    id.  Titles and descriptions in ``lang`` where a translation exists."""
    out = []
    for qid in questionnaire_ids():
        try:
            shipped = _read_shipped(qid)
        except (LookupError, QuestionnaireError):
            continue
        model = shipped.model
        texts = shipped.catalogues.get(lang or "", {}) if lang != model.language else {}
        asked = max(
            (
                sum(1 for q in model.questions().values() if role in q.roles)
                for role in model.leadership_roles or model.role_ids
            ),
            default=0,
        )
        out.append(
            ShippedQuestionnaire(
                id=model.id,
                title=str(texts.get("title") or model.title),
                description=str(texts.get("description") or model.description),
                quick_check=model.is_quick_check,
                questions=asked,
            )
        )
    return sorted(out, key=lambda s: (not s.quick_check, s.id != STANDARD_ID, s.id))


def shipped_model(qid: str) -> Questionnaire:
    """The newest shipped version of ``qid`` (LookupError when none is shipped)."""
    return _read_shipped(qid).model


def _stored_shipped(session: Session, shipped: _Shipped) -> QuestionnaireVersion | None:
    return session.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.content_hash == shipped.model.content_hash,
            QuestionnaireVersion.workspace_id.is_(None),
        )
    )


def _stage_shipped(session: Session, shipped: _Shipped) -> QuestionnaireVersion:
    existing = _stored_shipped(session, shipped)
    if existing is not None:
        if existing.catalogues != shipped.catalogues:
            existing.catalogues = shipped.catalogues
            _LOCALIZED.discard(lambda key: key[0] == _row(existing))
            _LANGUAGES.discard(lambda key: key == _row(existing))
        return existing
    model = shipped.model
    version = QuestionnaireVersion(
        workspace_id=None,
        qid=model.id,
        version=model.version,
        title=model.title,
        content_hash=model.content_hash,
        document=shipped.document,
        catalogues=shipped.catalogues,
    )
    session.add(version)
    return version


def publish_shipped(session: Session, qid: str = STANDARD_ID) -> QuestionnaireVersion:
    """Store the shipped questionnaire (if this exact content is new) and return it."""
    shipped = _read_shipped(qid)
    existing = _stored_shipped(session, shipped)
    if existing is not None and existing.catalogues == shipped.catalogues:
        return existing  # nothing to write
    with write_transaction(session):
        version = _stage_shipped(session, shipped)
    return version


def stage_shipped(session: Session, qid: str = STANDARD_ID) -> QuestionnaireVersion:
    """Like :func:`publish_shipped`, inside the caller's write transaction."""
    return _stage_shipped(session, _read_shipped(qid))


def available_versions(session: Session) -> list[QuestionnaireVersion]:
    """Versions the current workspace may start an assessment with (shipped and its own).

    Shipped versions come first, so the standard questionnaire stays the default choice.
    """
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
            .order_by(
                QuestionnaireVersion.workspace_id.is_not(None),
                QuestionnaireVersion.qid,
                QuestionnaireVersion.created_at.desc(),
                QuestionnaireVersion.id.desc(),
            )
        )
    )


def get_version(session: Session, version_id: int) -> QuestionnaireVersion:
    """A version the current workspace can see, or NotFound (other workspaces' too)."""
    version = next((v for v in available_versions(session) if v.id == version_id), None)
    if version is None:
        raise NotFound("questionnaire.not_found")
    return version


def usage_counts(session: Session) -> dict[int, int]:
    """How many of the current workspace's assessments use each questionnaire version."""
    rows = session.execute(
        select(Assessment.questionnaire_version_id, func.count(Assessment.id)).group_by(
            Assessment.questionnaire_version_id
        )
    )
    return {int(vid): int(n) for vid, n in rows}


# The validated model depends only on the document, which its content hash covers, so it
# is shared by every version with that hash.  Translations belong to one stored version
# (two workspaces may publish the same content with their own catalogues), so localized
# models and language lists are keyed by the stored row (its id and creation time, so a
# process that sees a new database — tests, a restore — never reuses an old row's texts):
# one workspace's texts are never served to another.
MODEL_CACHE_SIZE = 64
"""Questionnaire models (a version in one language) a process keeps: about 1 MB each for
the standard questionnaire, so at most some 64 MB however many versions workspaces publish."""
_BASE: LRUCache[str, Questionnaire] = LRUCache(MODEL_CACHE_SIZE)
_LOCALIZED: LRUCache[tuple[tuple[int, object], str], Questionnaire] = LRUCache(MODEL_CACHE_SIZE)
_LANGUAGES: LRUCache[tuple[int, object], list[str]] = LRUCache(MODEL_CACHE_SIZE)


def _row(version: QuestionnaireVersion) -> tuple[int, object]:
    return (version.id, version.created_at)


def _base_model(version: QuestionnaireVersion) -> Questionnaire:
    base = _BASE.get(version.content_hash)
    if base is None:
        base = build_questionnaire(
            version.document, f"stored questionnaire {version.qid}", stored=True
        )
        if base.content_hash != version.content_hash:
            raise RuntimeError(f"stored questionnaire {version.qid} no longer matches its hash")
        _BASE.put(version.content_hash, base)
    return base


def languages_of(version: QuestionnaireVersion) -> list[str]:
    """Languages the stored version can be answered in (its own first)."""
    found = _LANGUAGES.get(_row(version))
    if found is None:
        own = _base_model(version).language
        found = [own, *sorted(set(version.catalogues or {}) - {own})]
        _LANGUAGES.put(_row(version), found)
    return found


def model_of(version: QuestionnaireVersion, lang: str | None = None) -> Questionnaire:
    """The questionnaire model of a stored version, in ``lang`` when a catalogue exists.

    Published versions never change, so models are cached per process (the
    :data:`MODEL_CACHE_SIZE` most recently used; see ``_BASE``) and the large stored
    documents are read from the database only on a cache miss.  A language
    without a catalogue (e.g. a custom questionnaire) falls back to the version's own.
    """
    base = _base_model(version)
    if not lang or lang == base.language or lang not in languages_of(version):
        return base
    key = (_row(version), lang)
    model = _LOCALIZED.get(key)
    if model is None:
        model = localize(base, version.catalogues[lang], lang)
        _LOCALIZED.put(key, model)
    return model


def warm_cache(session: Session) -> int:
    """Build stored versions' models in every language now (server start-up).

    Newest versions first, and no more than the cache holds.
    """
    count = 0
    newest_first = select(QuestionnaireVersion).order_by(
        QuestionnaireVersion.created_at.desc(), QuestionnaireVersion.id.desc()
    )
    for version in session.scalars(newest_first):
        for lang in languages_of(version):
            if count >= MODEL_CACHE_SIZE:
                return count
            model_of(version, lang)
            count += 1
    return count


# --- custom questionnaires: validate, clone, publish -------------------------------------


@dataclass(frozen=True)
class Draft:
    """A validated questionnaire not yet published: its YAML, storable document and model."""

    name: str
    text: str
    document: dict[str, Any]
    model: Questionnaire


@dataclass(frozen=True)
class Publication:
    """The outcome of publishing: the stored version and whether it is a new row."""

    version: QuestionnaireVersion
    created: bool


@dataclass(frozen=True)
class CloneChanges:
    """What the structured clone form changes: identity and per-element weight/target."""

    qid: str
    version: str
    title: str
    elements: Mapping[str, tuple[float, float]]
    """Element id → (weight, target); elements not named keep theirs."""


def display_name(filename: str | None) -> str:
    """The name problems are reported under: the upload's base name, never a path."""
    base = re.split(r"[\\/]", filename or "")[-1].strip()
    return base[:100] or "upload.yaml"


def validate_upload(data: bytes, filename: str, languages: Collection[str]) -> Draft | list[str]:
    """Check an uploaded single-file questionnaire: the Draft, or every problem found.

    Problems read as the CLI prints them, ``file: path: message``.  ``languages`` are those
    the application has pages in; a questionnaire written in another cannot be answered.
    """
    name = display_name(filename)
    if len(data) > MAX_UPLOAD_BYTES:
        return [f"{name}: the file is {len(data):,} bytes; {_LIMIT}"]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [
            f"{name}: the file is not UTF-8 text (invalid byte at position {exc.start}); "
            "save it as UTF-8"
        ]
    return validate_text(text, name, languages)


def validate_text(text: str, name: str, languages: Collection[str]) -> Draft | list[str]:
    """Check a questionnaire given as YAML text (upload or editor): Draft or problems."""
    size = len(text.encode("utf-8"))
    if size > MAX_UPLOAD_BYTES:
        return [f"{name}: the text is {size:,} bytes; {_LIMIT}"]
    try:
        data = parse_yaml(text, name)
    except QuestionnaireError as exc:
        return [str(p) for p in exc.problems]
    problems = [str(p) for p in _custom_rules(data, name, languages)]
    if isinstance(data, dict) and any(isinstance(e, str) for e in data.get("elements") or []):
        inline = "an uploaded questionnaire must define elements inline"
        problems.insert(0, str(Problem(name, "elements", inline)))
        return problems
    try:
        model = build_questionnaire(data, name)
    except QuestionnaireError as exc:
        return [str(p) for p in exc.problems] + problems
    if problems:
        return problems
    document, problem = _storable(data, model, name)
    if document is None:
        return [problem]
    return Draft(name=name, text=text, document=document, model=model)


def _custom_rules(data: Any, name: str, languages: Collection[str]) -> Iterator[Problem]:
    """Rules for user-published versions on top of the questionnaire format."""
    if not isinstance(data, dict):
        return
    version = data.get("version")
    if isinstance(version, str) and not VERSION_PATTERN.match(version.strip()):
        yield Problem(
            name, "version", f"use letters, digits and . - + _ only, e.g. 1.0.1 (got {version!r})"
        )
    lang = data.get("language", "en")
    if isinstance(lang, str) and lang not in languages:
        yield Problem(
            name,
            "language",
            f"must be one of {', '.join(languages)}, the languages the pages exist in "
            f"(got {lang!r})",
        )
    for loc, value in _non_finite(data, ()):
        yield Problem(name, format_path(loc), f"numbers must be finite (got {value!r})")


Loc = tuple[int | str, ...]


def _non_finite(value: Any, loc: Loc) -> Iterator[tuple[Loc, float]]:
    if isinstance(value, float) and not math.isfinite(value):
        yield loc, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _non_finite(v, (*loc, str(k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _non_finite(v, (*loc, i))


def _storable(data: Any, model: Questionnaire, name: str) -> tuple[dict[str, Any] | None, str]:
    """The document as JSON stores it, proven to rebuild the same model (same hash)."""
    try:
        document = json.loads(json.dumps(data, allow_nan=False, ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        return None, f"{name}: contains a value that cannot be stored ({exc})"
    try:
        rebuilt = build_questionnaire(document, name)
    except QuestionnaireError as exc:
        return None, str(exc.problems[0])
    if rebuilt.content_hash != model.content_hash:
        return None, f"{name}: some values change meaning when stored; quote dates and odd values"
    return document, ""


def dump_yaml(document: Mapping[str, Any]) -> str:
    """A readable self-contained YAML text of a questionnaire document."""
    return yaml.dump(
        dict(document),
        Dumper=_ReadableDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


class _ReadableDumper(yaml.SafeDumper):
    """Short option/band/role records on one line, like the shipped files."""


def _represent_dict(dumper: yaml.SafeDumper, data: dict[Any, Any]) -> yaml.MappingNode:
    flat = all(isinstance(v, str | int | float | bool) or v is None for v in data.values())
    short = sum(len(str(k)) + len(str(v)) for k, v in data.items()) < 90
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flat and short)


_ReadableDumper.add_representer(dict, _represent_dict)


def yaml_of(version: QuestionnaireVersion) -> str:
    """The full self-contained YAML of a stored version (the start of a YAML edit)."""
    return dump_yaml(version.document)


def yaml_for_clone(session: Session, version: QuestionnaireVersion) -> str:
    """The YAML of a version with a suggested new id/version, ready to edit and publish."""
    document = copy.deepcopy(version.document)
    document["id"], document["version"] = suggest_identity(session, version)
    return dump_yaml(document)


def suggest_identity(session: Session, version: QuestionnaireVersion) -> tuple[str, str]:
    """A sensible id and version for a clone: own id for shipped sources, else next version."""
    if version.workspace_id is None:
        return _next_free_id(session, f"{version.qid}-custom"), version.version
    return version.qid, _next_version(session, version.qid, version.version)


def _next_free_id(session: Session, base: str) -> str:
    taken = {v.qid for v in available_versions(session)}
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _next_version(session: Session, qid: str, version: str) -> str:
    taken = {v.version for v in available_versions(session) if v.qid == qid}
    parts = version.split(".")
    candidate = version
    while candidate in taken:
        last = parts[-1]
        parts[-1] = str(int(last) + 1) if last.isdigit() else last + ".1"
        candidate = ".".join(parts)
    return candidate


def clone_with_changes(
    session: Session,
    actor: Actor,
    version_id: int,
    changes: CloneChanges,
    languages: Collection[str],
) -> Draft | list[str]:
    """A new questionnaire from a visible version with the given identity, weights, targets.

    Nothing is published: the Draft is previewed, then published with
    :func:`publish_custom`.  Unknown element ids are reported as problems.
    """
    actor.require_owner()
    source = get_version(session, version_id)
    document = copy.deepcopy(source.document)
    document["id"] = changes.qid.strip()
    document["version"] = changes.version.strip()
    document["title"] = changes.title.strip()
    name = f"{document['id']}-{document['version']}.yaml"
    known = set()
    for element in document.get("elements") or []:
        if isinstance(element, dict) and element.get("id") in changes.elements:
            weight, target = changes.elements[element["id"]]
            element["weight"], element["target"] = weight, target
            known.add(element["id"])
    unknown = sorted(set(changes.elements) - known)
    if unknown:
        return [f"{name}: elements: unknown element {eid!r}" for eid in unknown]
    return validate_text(dump_yaml(document), display_name(name), languages)


def publish_problems(session: Session, model: Questionnaire) -> list[str]:
    """Why publishing this model would be refused (empty: it can be published)."""
    try:
        _check_publishable(session, model, current_workspace(session))
    except Conflict as exc:
        return [exc.message]
    return []


def existing_copy(session: Session, model: Questionnaire) -> QuestionnaireVersion | None:
    """The visible stored version with exactly this content, if any."""
    return _visible_copy(session, model, current_workspace(session))


def _visible_copy(
    session: Session, model: Questionnaire, workspace_id: int | None
) -> QuestionnaireVersion | None:
    """The shipped or this workspace's stored version with exactly this content."""
    return session.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.content_hash == model.content_hash,
            or_(
                QuestionnaireVersion.workspace_id.is_(None),
                QuestionnaireVersion.workspace_id == workspace_id,
            ),
        )
    )


def _check_publishable(
    session: Session, model: Questionnaire, workspace_id: int | None
) -> QuestionnaireVersion | None:
    """Apply the publishing rules; the existing identical row to re-use, if any."""
    same = _visible_copy(session, model, workspace_id)
    if same is not None:
        return same
    shipped = set(
        session.scalars(
            select(QuestionnaireVersion.qid).where(QuestionnaireVersion.workspace_id.is_(None))
        )
    ) | {STANDARD_ID}
    if model.id in shipped:
        raise Conflict("questionnaire.standard_id", id=model.id)
    clash = session.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.workspace_id == workspace_id,
            QuestionnaireVersion.qid == model.id,
            QuestionnaireVersion.version == model.version,
        )
    )
    if clash is not None:
        raise Conflict("questionnaire.version_exists", id=model.id, version=model.version)
    return None


def publish_custom(
    session: Session,
    actor: Actor,
    document: Mapping[str, Any],
    *,
    name: str = "questionnaire.yaml",
    based_on_id: int | None = None,
) -> Publication:
    """Publish a questionnaire document as an immutable version of the actor's workspace.

    The document is validated again here (QuestionnaireError lists every problem); the
    publishing rules raise Conflict.  ``based_on_id`` names the version it was cloned from:
    that version's translations are kept where every translated text is still the same.
    """
    actor.require_owner()
    model = build_questionnaire(dict(document), name)
    stored, problem = _storable(dict(document), model, name)
    if stored is None:
        raise QuestionnaireError([Problem(name, "", problem.split(": ", 1)[-1])])
    catalogues: dict[str, Any] = {}
    if based_on_id is not None:
        source = get_version(session, based_on_id)
        catalogues = carried_catalogues(model_of(source), source.catalogues or {}, model)
    try:
        with write_transaction(session):
            # Lock the workspace row so two publishes of one (id, version) queue up.
            session.scalar(
                select(Workspace).where(Workspace.id == actor.workspace_id).with_for_update()
            )
            same = _check_publishable(session, model, actor.workspace_id)
            if same is not None:
                return Publication(same, created=False)
            version = QuestionnaireVersion(
                workspace_id=actor.workspace_id,
                qid=model.id,
                version=model.version,
                title=model.title,
                content_hash=model.content_hash,
                document=stored,
                catalogues=catalogues,
            )
            session.add(version)
    except IntegrityError:
        # The same content was stored concurrently: apply the rules to what is there now.
        same = _check_publishable(session, model, actor.workspace_id)
        if same is None:
            raise
        return Publication(same, created=False)
    return Publication(version, created=True)


def carried_catalogues(
    source: Questionnaire, catalogues: Mapping[str, Any], new: Questionnaire
) -> dict[str, Any]:
    """Translations of ``source`` still valid for ``new`` (a clone), by language.

    A language is kept only when every translatable text of the clone is unchanged from the
    source, so respondents never see a half-translated questionnaire.  A changed title or
    description is the clone's own name: it is shown as written in every language.
    """
    if source.language != new.language:
        return {}
    old_texts = flatten(extract_texts(source))
    new_texts = flatten(extract_texts(new))
    renamed = {k for k in UNTRANSLATED_KEYS if old_texts.get(k) != new_texts.get(k)}
    if any(old_texts.get(k) != v for k, v in new_texts.items() if k not in renamed):
        return {}
    kept: dict[str, Any] = {}
    for lang, catalogue in catalogues.items():
        if lang == new.language or not isinstance(catalogue, dict):
            continue
        kept[lang] = {k: v for k, v in catalogue.items() if k not in renamed}
    return kept
