"""Version mapping files: how ids of one questionnaire version map onto another's.

Format (YAML)::

    from: {questionnaire: sales-org-health, version: "1.0.0"}
    to:   {questionnaire: sales-org-health, version: "1.1.0"}
    elements:            # optional; old element id: new element id, or null (removed)
      pipeline: pipeline_forecasting
    questions:           # optional; old question id: new question id, or null (removed)
      pipeline.forecast_accuracy: pipeline_forecasting.forecast_accuracy
      crm.data_entry_time: null

Ids not listed keep their stable id.  Every problem is reported in one go as
``file: path: message`` (the loader's format); :func:`check_against` also names ids that
do not exist in the two questionnaire versions.

Mappings can also ship with a questionnaire, as ``mappings/*.yaml`` next to its
``questionnaire.yaml`` (:func:`shipped_mappings`); trends use them for the versions they
name, unless a workspace uploaded its own mapping for the same pair.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from assessment.core.loader import Problem, QuestionnaireError, discover, parse_yaml
from assessment.core.model import Questionnaire
from assessment.core.trends import VersionMap
from assessment.messages import Message

MAX_BYTES = 512 * 1024
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*(\.[a-z0-9][a-z0-9_]*)*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_TOP = ("from", "to", "elements", "questions")
MAPPINGS_DIR = "mappings"
"""The folder of shipped mapping files, next to a questionnaire's ``questionnaire.yaml``."""


class VersionMappingError(Exception):
    """A mapping file is unusable; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def located(self) -> list[Message]:
        """Every problem as "file: path: message", for a person to read in their language."""
        return [
            Message("at", where=f"{p.file}: {p.path}" if p.path else p.file, problem=p.message)
            for p in self.problems
        ]


def load_version_mapping(path: str | os.PathLike[str]) -> VersionMap:
    """Read and parse a mapping file (errors name the file)."""
    p = Path(path)
    name = str(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        cannot = Message("vmap.cannot_read", reason=exc.strerror)
        raise VersionMappingError([Problem(name, "", cannot)]) from exc
    if size > MAX_BYTES:
        too_large = Message("file.too_large_bytes", size=size, limit=MAX_BYTES)
        raise VersionMappingError([Problem(name, "", too_large)])
    return parse_version_mapping(p.read_bytes(), name)


def shipped_mapping_files(search_path: Iterable[Path] | None = None) -> list[Path]:
    """Every ``mappings/*.yaml`` of every questionnaire folder on the search path, sorted."""
    files: list[Path] = []
    for manifest in discover(search_path):
        folder = manifest.parent / MAPPINGS_DIR
        if folder.is_dir():
            files.extend(sorted(folder.glob("*.yaml")))
    return files


def shipped_mappings(
    search_path: Iterable[Path] | None = None,
) -> tuple[list[VersionMap], list[VersionMappingError]]:
    """The mappings shipped with the questionnaires, and the problems of those that do not
    parse (each names its file; a broken file is left out, never half-used)."""
    maps: list[VersionMap] = []
    problems: list[VersionMappingError] = []
    for path in shipped_mapping_files(search_path):
        try:
            maps.append(load_version_mapping(path))
        except VersionMappingError as exc:
            problems.append(exc)
    return maps, problems


def parse_version_mapping(data: bytes | str, name: str = "mapping.yaml") -> VersionMap:
    """Parse the text of a mapping file; raise VersionMappingError listing every problem."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            too_large = Message("file.too_large_bytes", size=len(data), limit=MAX_BYTES)
            raise VersionMappingError([Problem(name, "", too_large)])
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise VersionMappingError([Problem(name, "", Message("vmap.not_utf8"))]) from exc
    else:
        text = data
    try:
        doc = parse_yaml(text, name)
    except QuestionnaireError as exc:
        raise VersionMappingError(exc.problems) from exc
    problems: list[Problem] = []
    if not isinstance(doc, dict):
        raise VersionMappingError([Problem(name, "", Message("vmap.not_a_mapping"))])
    for key in doc:
        if key not in _TOP:
            problems.append(Problem(name, str(key), Message("vmap.unknown_top_key", keys=_TOP)))
    src = _side(doc, "from", name, problems)
    dst = _side(doc, "to", name, problems)
    elements = _ids(doc, "elements", name, problems)
    questions = _ids(doc, "questions", name, problems)
    if src and dst and src == dst:
        problems.append(Problem(name, "to", Message("vmap.onto_itself")))
    if problems or src is None or dst is None:
        raise VersionMappingError(problems)
    return VersionMap(src[0], src[1], dst[0], dst[1], elements, questions)


def _side(
    doc: Mapping[Any, Any], key: str, name: str, problems: list[Problem]
) -> tuple[str, str] | None:
    value = doc.get(key)
    if not isinstance(value, dict):
        problems.append(Problem(name, key, Message("vmap.side_required")))
        return None
    qid = value.get("questionnaire")
    version = value.get("version")
    ok = True
    for extra in set(value) - {"questionnaire", "version"}:
        problems.append(Problem(name, f"{key}.{extra}", Message("vmap.unknown_key")))
        ok = False
    if not isinstance(qid, str) or not _SLUG.match(qid):
        not_an_id = Message("vmap.questionnaire_id", value=repr(qid))
        problems.append(Problem(name, f"{key}.questionnaire", not_an_id))
        ok = False
    if not isinstance(version, str) or not version.strip():
        code = "vmap.version_quote" if isinstance(version, int | float) else "vmap.version"
        problems.append(Problem(name, f"{key}.version", Message(code, value=repr(version))))
        ok = False
    return (str(qid), str(version).strip()) if ok else None


def _ids(
    doc: Mapping[Any, Any], key: str, name: str, problems: list[Problem]
) -> dict[str, str | None]:
    value = doc.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(Problem(name, key, Message("vmap.ids_mapping")))
        return {}
    out: dict[str, str | None] = {}
    for old, new in value.items():
        where = f"{key}.{old}"
        if not isinstance(old, str) or not _ID.match(old):
            problems.append(Problem(name, where, Message("vmap.not_an_id", value=repr(old))))
            continue
        if new is not None and (not isinstance(new, str) or not _ID.match(new)):
            problems.append(Problem(name, where, Message("vmap.new_id", value=repr(new))))
            continue
        out[old] = new
    return out


def check_shipped(vmap: VersionMap, q: Questionnaire, name: str) -> list[Problem]:
    """The ids a shipped mapping names on the side that is ``q`` (its id and version) and
    that ``q`` does not have; the other side may be a version no longer shipped."""
    problems: list[Problem] = []
    sides = (
        ("from", vmap.from_id, vmap.from_version, 0),
        ("to", vmap.to_id, vmap.to_version, 1),
    )
    for _side, qid, version, position in sides:
        if (qid, version) != (q.id, q.version):
            continue
        for kind, mapping, known in (
            ("elements", vmap.elements, {el.id for el in q.elements}),
            ("questions", vmap.questions, set(q.questions())),
        ):
            code = f"vmap.unknown_{kind[:-1]}"
            for src, dst in mapping.items():
                named = (src, dst)[position]
                if named is not None and named not in known:
                    unknown = Message(code, id=named, qid=q.id, version=q.version)
                    problems.append(Problem(name, f"{kind}.{src}", unknown))
    return problems


def check_against(
    vmap: VersionMap, old: Questionnaire, new: Questionnaire, name: str = "mapping.yaml"
) -> None:
    """Raise VersionMappingError naming every id that does not exist where it should."""
    problems: list[Problem] = []
    for side, q, qid, version in (
        ("from", old, vmap.from_id, vmap.from_version),
        ("to", new, vmap.to_id, vmap.to_version),
    ):
        if (q.id, q.version) != (qid, version):
            mismatch = Message(
                "vmap.side_mismatch", qid=q.id, version=q.version, named=f"{qid} {version}"
            )
            problems.append(Problem(name, side, mismatch))
    old_elements = {el.id for el in old.elements}
    new_elements = {el.id for el in new.elements}
    old_questions = set(old.questions())
    new_questions = set(new.questions())
    for kind, mapping, before, after in (
        ("elements", vmap.elements, old_elements, new_elements),
        ("questions", vmap.questions, old_questions, new_questions),
    ):
        code = f"vmap.unknown_{kind[:-1]}"  # vmap.unknown_element, vmap.unknown_question
        for src, dst in mapping.items():
            if src not in before:
                unknown = Message(code, id=src, qid=old.id, version=old.version)
                problems.append(Problem(name, f"{kind}.{src}", unknown))
            if dst is not None and dst not in after:
                unknown = Message(code, id=dst, qid=new.id, version=new.version)
                problems.append(Problem(name, f"{kind}.{src}", unknown))
    if problems:
        raise VersionMappingError(problems)
