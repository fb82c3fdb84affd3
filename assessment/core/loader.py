"""Load questionnaires from YAML and validate them, reporting every problem at once.

Layout of a questionnaire folder::

    questionnaire.yaml       id, version, roles, levels, scales, elements (ids or inline)
    elements/<id>.yaml       one element each, when ``elements`` lists ids

A single self-contained file (elements inline) is accepted too, which is what a user
uploads.  Each problem names the file, the path inside it and the offending value, e.g.
``questionnaires/x/elements/crm.yaml: questions[2].id: duplicate question id 'crm.usage'``.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib.util
import json
import os
import pickle
import re
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assessment.core import safe_yaml
from assessment.core.checks import semantic_problems
from assessment.core.conditions import ConditionSyntaxError, parse_condition
from assessment.core.i18n import catalogue_problems, localize
from assessment.core.model import SOURCE_STRUCTURED, SOURCE_TEXT, Questionnaire
from assessment.core.qtypes import question_type, type_names

MANIFEST = "questionnaire.yaml"
I18N_DIR = "i18n"
MAX_FILE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    """One validation problem, located in a file."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}: " if self.path else f"{self.file}: "
        return where + self.message


class QuestionnaireError(Exception):
    """A questionnaire failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class _Source:
    """Where each part of the assembled document came from, to locate problems."""

    manifest: str
    element_files: dict[int, str] = field(default_factory=dict)

    def locate(self, loc: Iterable[int | str]) -> tuple[str, str]:
        parts = list(loc)
        if len(parts) >= 2 and parts[0] == "elements" and isinstance(parts[1], int):
            file = self.element_files.get(parts[1])
            if file is not None:
                return file, format_path(parts[2:])
        return self.manifest, format_path(parts)


def format_path(loc: Iterable[int | str]) -> str:
    """Render a location tuple as ``elements[3].questions[2].id``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_yaml(text: str, name: str) -> Any:
    """Parse YAML text safely (see ``safe_yaml``); raise QuestionnaireError naming the line."""
    try:
        return safe_yaml.load(text)
    except safe_yaml.YamlProblem as exc:
        raise QuestionnaireError([Problem(name, exc.where, exc.message)]) from exc


def _read_yaml(path: Path, display: str) -> Any:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise QuestionnaireError([Problem(display, "", f"cannot read: {exc.strerror}")]) from exc
    if size > MAX_FILE_BYTES:
        raise QuestionnaireError(
            [Problem(display, "", f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")]
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise QuestionnaireError([Problem(display, "", "file is not valid UTF-8")]) from exc
    return parse_yaml(text, display)


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


def load_questionnaire(path: str | os.PathLike[str], lang: str | None = None) -> Questionnaire:
    """Load and validate a questionnaire folder or file, translated into ``lang`` if given.

    A successfully validated result is kept in an on-disk cache (see :func:`cache_dir`),
    keyed on the content of every file it was built from, so the next process skips the
    YAML parsing and validation; problems are never cached.
    """
    key = _cache_key(Path(path), lang)
    if key is not None:
        cached = _cache_read(key)
        if cached is not None:
            return cached
    q = _load_uncached(path, lang)
    if key is not None:
        _cache_write(key, q)
    return q


def _load_uncached(path: str | os.PathLike[str], lang: str | None) -> Questionnaire:
    q = _load_source(Path(path))
    if lang is None or lang == q.language:
        return q
    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    catalogue_file = folder / I18N_DIR / f"{lang}.yaml"
    if not catalogue_file.exists():
        available = ", ".join(available_languages(path)) or q.language
        raise LookupError(f"language {lang!r} is not available for {q.id} (available: {available})")
    catalogue = _read_yaml(catalogue_file, _display(catalogue_file))
    if not isinstance(catalogue, dict):
        raise QuestionnaireError([Problem(_display(catalogue_file), "", "expected a mapping")])
    problems = catalogue_problems(q, catalogue)
    if problems:
        shown = _display(catalogue_file)
        raise QuestionnaireError([Problem(shown, path, message) for path, message in problems])
    return localize(q, catalogue, lang)


# --- on-disk cache of validated questionnaires (like ``.pyc`` files) -----------------------

CACHE_FORMAT = 1
_PROJECT = __name__.partition(".")[0]


@functools.cache
def _code_files() -> tuple[Path, ...]:
    """The source files of this module and of every project module it imports, transitively.

    Found by reading the ``import`` statements (also those inside functions), so the cache
    key follows the loader's real dependencies: a module the loader starts to import is
    covered without anyone having to list it.  Package ``__init__`` files count too (they
    run on import).  Read once per process: the code a process runs does not change.
    """
    files: dict[str, Path] = {}
    pending = [__name__]
    while pending:
        name = pending.pop()
        if name in files:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):  # "module.attribute" from a ``from`` import
            continue
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            continue
        files[name] = Path(spec.origin)
        package = name if spec.submodule_search_locations is not None else name.rpartition(".")[0]
        pending += _project_imports(files[name], package)
        pending += [name.rsplit(".", depth)[0] for depth in range(1, name.count(".") + 1)]
    return tuple(sorted(files.values()))


_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)"
    r"|import[ \t]+([^\n#;]*))",
    re.MULTILINE,
)


def _project_imports(path: Path, package: str) -> list[str]:
    """Names a source file imports from this project (a ``from`` import's names included).

    A scan of the lines rather than :mod:`ast`, which took 0.14 s for the loader's files
    (more than the cache hit it serves; the scan takes under 2 ms).  An import-like line
    inside a string can only add a file to the key, never leave one out.
    """
    names: list[str] = []
    for match in _IMPORT.finditer(path.read_text(encoding="utf-8")):
        module, imported, plain = match.groups()
        if plain is not None:
            names += [part.split()[0] for part in plain.split(",") if part.strip()]
            continue
        if module.startswith("."):
            module = importlib.util.resolve_name(module, package)
        members = imported.strip("() \t\n").replace("\n", " ").split(",")
        names += [module, *(f"{module}.{m.split()[0]}" for m in members if m.strip())]
    return [n for n in names if n == _PROJECT or n.startswith(_PROJECT + ".")]


def cache_dir() -> Path | None:
    """Where validated questionnaires are cached, or ``None`` when caching is off.

    ``SALESHEALTH_CACHE_DIR`` (empty or ``off`` disables it), else
    ``$XDG_CACHE_HOME/saleshealth`` or ``~/.cache/saleshealth``.
    """
    env = os.environ.get("SALESHEALTH_CACHE_DIR")
    if env is not None:
        return None if env.strip() in ("", "off", "0") else Path(env) / "questionnaires"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "saleshealth" / "questionnaires"


def private_cache_dir(name: str) -> Path | None:
    """``name`` beside the questionnaire cache, created private to this user; ``None`` when
    caching is off or the folder is not private (owned by this user, writable by nobody else).

    Other caches of the process use it (the report templates' compiled code): whatever is
    loaded from there is code, so a folder another user could write to is never used.
    """
    d = cache_dir()
    if d is None:
        return None
    folder = d.parent / name
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder if _private_dir(folder) else None
    except OSError:
        return None


def _cache_key(p: Path, lang: str | None) -> str | None:
    """A digest of everything the result depends on, or ``None`` (no caching).

    Covers the content of the manifest, every element file and the catalogue of ``lang``,
    the language, the Python and pydantic versions and the size and modification time of
    the modules that parse and validate (:func:`_code_files`) and the module of every
    registered question type, wherever it lives (so a changed loader, model or type never
    sees a stale entry).  Any problem reading a file means "do not cache": the uncached
    path then reports it with its usual message.
    """
    if cache_dir() is None:
        return None
    try:
        import pydantic

        h = hashlib.sha256()
        h.update(f"{CACHE_FORMAT}|{sys.version}|{pydantic.VERSION}|{lang}|".encode())
        for code in _code_files():
            st = code.stat()
            h.update(f"{code}:{st.st_size}:{st.st_mtime_ns}|".encode())
        if p.is_dir():
            folder, files = p, [p / MANIFEST, *sorted((p / "elements").glob("*.yaml"))]
        else:
            folder, files = p.parent, [p]
        if lang is not None:
            files.append(folder / I18N_DIR / f"{lang}.yaml")
        for f in files:
            if f.exists():
                data = f.read_bytes()
                h.update(f"{f.relative_to(folder)}:{len(data)}|".encode())
                h.update(data)
            else:
                h.update(f"{f.relative_to(folder)}:missing|".encode())
        return h.hexdigest()
    except (OSError, ValueError):
        return None


def _private_dir(d: Path) -> bool:
    """True when ``d`` is a directory owned by this user and writable by nobody else."""
    st = d.stat()
    return (
        stat.S_ISDIR(st.st_mode)
        and st.st_uid == os.getuid()
        and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def _cache_read(key: str) -> Questionnaire | None:
    d = cache_dir()
    if d is None:
        return None
    f = d / f"{key}.pickle"
    try:
        if not _private_dir(d):
            return None
        with f.open("rb") as fh:
            if os.fstat(fh.fileno()).st_uid != os.getuid():
                return None
            q = pickle.load(fh)
    except Exception:  # a missing or unreadable entry is simply a miss
        return None
    return q if isinstance(q, Questionnaire) else None


def _cache_write(key: str, q: Questionnaire) -> None:
    d = cache_dir()
    if d is None:
        return
    try:
        d.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private_dir(d):
            return
        fd, tmp = tempfile.mkstemp(prefix=".q-", suffix=".tmp", dir=d)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(q, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, d / f"{key}.pickle")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except Exception:  # caching is an optimization: never fail a load for it
        return


def available_languages(path: str | os.PathLike[str]) -> list[str]:
    """Languages a questionnaire folder offers: its own plus every ``i18n/<lang>.yaml``."""
    p = Path(path)
    folder = p if p.is_dir() else p.parent
    head = (
        _read_yaml(folder / MANIFEST, _display(folder / MANIFEST))
        if (folder / MANIFEST).exists()
        else {}
    )
    own = str(head.get("language", "en")) if isinstance(head, dict) else "en"
    found = (
        {f.stem for f in (folder / I18N_DIR).glob("*.yaml")}
        if (folder / I18N_DIR).is_dir()
        else set()
    )
    return [own, *sorted(found - {own})]


def _load_source(p: Path) -> Questionnaire:
    data, source = _assemble(p)
    return build_questionnaire(data, source)


def assemble_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The questionnaire as one self-contained document (element files inlined).

    This is what an assessment stores to pin the exact version it was created with;
    :func:`build_questionnaire` turns it back into the model with the same hash.
    """
    data, source = _assemble(Path(path))
    build_questionnaire(data, source)  # validate before anyone stores it
    return dict(data)


def read_catalogues(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Every translation catalogue of a questionnaire folder, by language."""
    p = Path(path)
    folder = p if p.is_dir() else p.parent
    out: dict[str, Any] = {}
    if (folder / I18N_DIR).is_dir():
        for f in sorted((folder / I18N_DIR).glob("*.yaml")):
            data = _read_yaml(f, _display(f))
            if isinstance(data, dict):
                out[f.stem] = data
    return out


def _assemble(p: Path) -> tuple[Any, _Source]:
    manifest = p / MANIFEST if p.is_dir() else p
    display = _display(manifest)
    if not manifest.exists():
        raise QuestionnaireError([Problem(display, "", "file not found")])
    data = _read_yaml(manifest, display)
    source = _Source(display)
    problems: list[Problem] = []
    if isinstance(data, dict) and isinstance(data.get("elements"), list):
        data["elements"] = list(
            _expand_elements(data["elements"], manifest.parent, source, problems)
        )
    if problems:
        raise QuestionnaireError(problems)
    return data, source


def load_questionnaire_text(text: str, name: str = "upload.yaml") -> Questionnaire:
    """Validate a single-file questionnaire given as text (e.g. an upload)."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise QuestionnaireError([Problem(name, "", f"larger than {MAX_FILE_BYTES} bytes")])
    data = parse_yaml(text, name)
    if isinstance(data, dict) and any(isinstance(e, str) for e in data.get("elements") or []):
        raise QuestionnaireError(
            [Problem(name, "elements", "an uploaded questionnaire must define elements inline")]
        )
    return build_questionnaire(data, _Source(name))


def _expand_elements(
    entries: list[Any], base: Path, source: _Source, problems: list[Problem]
) -> Iterator[Any]:
    for i, entry in enumerate(entries):
        if not isinstance(entry, str):
            yield entry
            continue
        file = base / "elements" / f"{entry}.yaml"
        display = _display(file)
        if not file.exists():
            problems.append(
                Problem(
                    source.manifest, f"elements[{i}]", f"no file {display} for element {entry!r}"
                )
            )
            continue
        try:
            yield _read_yaml(file, display)
            source.element_files[i] = display
        except QuestionnaireError as exc:
            problems.extend(exc.problems)


def build_questionnaire(data: Any, source: _Source | str, *, stored: bool = False) -> Questionnaire:
    """Validate an assembled questionnaire document and return the immutable model.

    ``stored``: the document is a published version being loaded again; rules added after
    it was published (a source for every band from version 2 on) are not applied to it.
    """
    if isinstance(source, str):
        source = _Source(source)
    if not isinstance(data, dict):
        raise QuestionnaireError([Problem(source.manifest, "", "expected a mapping at the top")])
    data = copy.deepcopy(data)  # the caller's document stays plain, storable data
    problems: list[Problem] = []
    _prepare(data, source, problems)
    try:
        q = Questionnaire.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            file, path = source.locate(_without_union_tags(err["loc"]))
            problems.append(Problem(file, path, _pydantic_message(err)))
        # The model could not be built, so the semantic checks cannot run; still report
        # duplicate ids, the commonest cross-reference mistake, in the same run.
        for loc, message in _raw_duplicate_ids(data):
            file, path = source.locate(loc)
            problems.append(Problem(file, path, message))
        raise QuestionnaireError(problems) from exc
    for loc, message in semantic_problems(q, stored=stored):
        file, path = source.locate(loc)
        problems.append(Problem(file, path, message))
    if problems:
        raise QuestionnaireError(problems)
    return q.model_copy(update={"content_hash": content_hash(q)})


def _without_union_tags(loc: Iterable[int | str]) -> tuple[int | str, ...]:
    """The location without the tag pydantic adds after a union field (``source``)."""
    parts = list(loc)
    return tuple(
        p
        for i, p in enumerate(parts)
        if not (i and parts[i - 1] == "source" and p in (SOURCE_STRUCTURED, SOURCE_TEXT))
    )


def _raw_duplicate_ids(data: dict[str, Any]) -> Iterator[tuple[tuple[int | str, ...], str]]:
    seen: set[str] = set()
    kinds = (("questions", "question"), ("recommendations", "recommendation"))
    elements = data.get("elements") if isinstance(data.get("elements"), list) else []
    for ei, el in enumerate(elements or []):
        if not isinstance(el, dict):
            continue
        for key, kind in kinds:
            items = el.get(key)
            for i, item in enumerate(items if isinstance(items, list) else []):
                ident = item.get("id") if isinstance(item, dict) else None
                if isinstance(ident, str):
                    if ident in seen:
                        yield ("elements", ei, key, i, "id"), f"duplicate {kind} id {ident!r}"
                    seen.add(ident)


def _pydantic_message(err: Mapping[str, Any]) -> str:
    value = err.get("input")
    shown = "" if isinstance(value, dict | list) or value is None else f" (got {value!r})"
    return f"{err['msg']}{shown}"


def _as_list(value: Any) -> list[Any]:
    """The value if it is a list, else an empty list (the schema reports the wrong type)."""
    return value if isinstance(value, list) else []


def _prepare(data: dict[str, Any], source: _Source, problems: list[Problem]) -> None:
    """Resolve scales into options, give types their default options, parse conditions."""
    scales = data.pop("scales", None) or {}
    if not isinstance(scales, dict):
        problems.append(Problem(source.manifest, "scales", "expected a mapping of scale ids"))
        scales = {}
    elements = data.get("elements")
    if not isinstance(elements, list):
        return
    for ei, element in enumerate(elements):
        if not isinstance(element, dict):
            continue
        for qi, question in enumerate(_as_list(element.get("questions"))):
            if not isinstance(question, dict):
                continue
            scale = question.get("scale")
            if scale is not None and "options" not in question:
                if isinstance(scale, str) and scale in scales:
                    question["options"] = scales[scale]
                else:
                    file, path = source.locate(("elements", ei, "questions", qi, "scale"))
                    problems.append(Problem(file, path, f"unknown scale {scale!r}"))
            qtype = question.get("type")
            if isinstance(qtype, str) and qtype in type_names() and "options" not in question:
                defaults = question_type(qtype).default_options  # yes_no: Yes = 1, No = 0
                if defaults:
                    question["options"] = [dict(o) for o in defaults]
        for ri, rec in enumerate(_as_list(element.get("recommendations"))):
            if not isinstance(rec, dict):
                continue
            rec["element"] = element.get("id")
            when = rec.get("when")
            if not isinstance(when, str):
                file, path = source.locate(("elements", ei, "recommendations", ri, "when"))
                problems.append(Problem(file, path, "a condition string is required"))
                rec["condition"] = parse_condition("score < 0")
                continue
            try:
                rec["condition"] = parse_condition(when)
            except ConditionSyntaxError as exc:
                file, path = source.locate(("elements", ei, "recommendations", ri, "when"))
                problems.append(Problem(file, path, f"{exc} in {when!r}"))
                rec["condition"] = parse_condition("score < 0")


def content_hash(q: Questionnaire) -> str:
    """SHA-256 of the canonical JSON of the questionnaire (ids, scores, weights and texts)."""
    payload = q.model_dump(mode="json", exclude={"content_hash"})
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def default_search_path() -> list[Path]:
    """Folders searched for questionnaires: ``SALESHEALTH_QUESTIONNAIRES`` or the shipped ones."""
    env = os.environ.get("SALESHEALTH_QUESTIONNAIRES")
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    return [Path(__file__).resolve().parents[2] / "questionnaires"]


def discover(search_path: Iterable[Path] | None = None) -> list[Path]:
    """Every questionnaire manifest under the search path."""
    found: list[Path] = []
    for root in search_path or default_search_path():
        if root.is_dir():
            found.extend(sorted(root.rglob(MANIFEST)))
    return found


def questionnaire_ids(search_path: Iterable[Path] | None = None) -> list[str]:
    """The ids of the questionnaires under the search path, sorted (each once)."""
    ids: set[str] = set()
    for manifest in discover(search_path):
        try:
            head = _read_yaml(manifest, _display(manifest))
        except QuestionnaireError:
            continue
        if isinstance(head, dict) and isinstance(head.get("id"), str):
            ids.add(head["id"])
    return sorted(ids)


def find_questionnaire(
    qid: str,
    version: str | None = None,
    search_path: Iterable[Path] | None = None,
    lang: str | None = None,
) -> Questionnaire:
    """Load the questionnaire with this id (the newest version unless one is named)."""
    folder = find_questionnaire_dir(qid, version, search_path)
    return load_questionnaire(folder, lang)


def find_questionnaire_dir(
    qid: str, version: str | None = None, search_path: Iterable[Path] | None = None
) -> Path:
    """The folder of the questionnaire with this id (newest version unless one is named)."""
    candidates: list[tuple[Questionnaire, Path]] = []
    for manifest in discover(search_path):
        try:
            head = _read_yaml(manifest, _display(manifest))
        except QuestionnaireError:
            continue
        matches = isinstance(head, dict) and head.get("id") == qid
        if matches and (version is None or str(head.get("version")) == version):
            candidates.append((load_questionnaire(manifest.parent), manifest.parent))
    if not candidates:
        what = f"{qid!r} version {version!r}" if version else repr(qid)
        raise LookupError(f"no questionnaire {what} found")
    return max(candidates, key=lambda c: _version_key(c[0].version))[1]


def _version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in version.split("."))
