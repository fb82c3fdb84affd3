"""``saleshealth questionnaire validate|show``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from assessment.cli.common import fail, resolve_questionnaire
from assessment.core.i18n import check_catalogue, extract_texts, flatten
from assessment.core.loader import (
    QuestionnaireError,
    find_questionnaire,
    load_questionnaire,
    read_catalogues,
)
from assessment.core.model import Question, Questionnaire
from assessment.io.version_mapping import (
    MAPPINGS_DIR,
    VersionMappingError,
    check_shipped,
    load_version_mapping,
)


@click.group()
def questionnaire() -> None:
    """Validate and inspect questionnaire definitions."""


@questionnaire.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def validate(paths: tuple[str, ...]) -> None:
    """Validate questionnaire folders or files; print every problem found."""
    problems: list[str] = []
    for path in paths:
        try:
            q = load_questionnaire(path)
        except QuestionnaireError as exc:
            problems.extend(str(p) for p in exc.problems)
            continue
        n_questions = sum(len(el.questions) for el in q.elements)
        n_recs = sum(len(el.recommendations) for el in q.elements)
        click.echo(
            f"{path}: ok: {q.id} {q.version} ({len(q.elements)} elements, "
            f"{n_questions} questions, {n_recs} recommendations) hash {q.content_hash[:12]}"
        )
        problems.extend(_check_translations(path, q))
        problems.extend(_check_mappings(path, q))
    if problems:
        fail([*problems, f"{len(problems)} problem(s) found"])


ALWAYS_IDENTICAL = frozenset({"CRM", "KPI", "ERP", "%"})


def _check_mappings(path: str, q: Questionnaire) -> list[str]:
    """The shipped mappings of a questionnaire folder (``mappings/*.yaml``): each parses,
    and the ids it names exist on this version's side, and on the other side when that
    version is on the search path too (a quick check's mapping onto the full one)."""
    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    problems: list[str] = []
    for file in sorted((folder / MAPPINGS_DIR).glob("*.yaml")):
        try:
            vmap = load_version_mapping(file)
        except VersionMappingError as exc:
            problems.extend(str(p) for p in exc.problems)
            continue
        found = check_shipped(vmap, q, str(file))
        for qid, version in ((vmap.from_id, vmap.from_version), (vmap.to_id, vmap.to_version)):
            if (qid, version) == (q.id, q.version):
                continue
            try:  # the other side, when it is on the search path too (a quick check's)
                other = find_questionnaire(qid, version)
            except (LookupError, QuestionnaireError):
                continue
            found += check_shipped(vmap, other, str(file))
        problems.extend(str(p) for p in found)
        where = f"{vmap.from_id} {vmap.from_version} -> {vmap.to_id} {vmap.to_version}"
        click.echo(f"{file}: {'ok' if not found else f'{len(found)} problem(s)'} ({where})")
    return problems


def _check_translations(path: str, q: Questionnaire) -> list[str]:
    """Per language: missing and extra keys, and texts left identical to the source."""
    problems: list[str] = []
    try:
        catalogues = read_catalogues(path)
    except QuestionnaireError as exc:
        return [str(p) for p in exc.problems]
    for lang, catalogue in sorted(catalogues.items()):
        where = f"{path}: i18n/{lang}.yaml"
        if catalogue.get("language") not in (None, lang):
            said = catalogue.get("language")
            problems.append(f"{where}: language: says {said!r}, the file name says {lang!r}")
        report = check_catalogue(q, catalogue, ALWAYS_IDENTICAL)
        for key in report["missing"]:
            problems.append(f"{where}: {key}: missing translation")
        for key in report["extra"]:
            problems.append(f"{where}: {key}: not in the questionnaire (extra key)")
        for key in report["untranslated"]:
            problems.append(f"{where}: {key}: identical to the source text (untranslated?)")
        problems.extend(f"{where}: {line}" for line in report["placeholders"])
        total = len(flatten(extract_texts(q)))
        bad = sum(len(v) for v in report.values())
        click.echo(f"{where}: {'ok' if not bad else f'{bad} problem(s)'} ({total} texts)")
    return problems


def _source(question: Question) -> dict[str, Any] | None:
    """``{"kind", "note"}`` of a number question's bands; a pre-2.0 free text has no kind."""
    if question.band_source is not None:
        return {"kind": question.band_source.kind.value, "note": question.band_source.note}
    if isinstance(question.source, str) and question.source:
        return {"kind": None, "note": question.source}
    return None


def questionnaire_document(q: Questionnaire) -> dict[str, Any]:
    """The normalized questionnaire as plain data (the ``show --json`` shape)."""
    return {
        "id": q.id,
        "version": q.version,
        "kind": q.kind.value,
        "grows_into": q.grows_into,
        "hash": q.content_hash,
        "title": q.title,
        "language": q.language,
        "roles": [{"id": r.id, "label": r.label} for r in q.roles],
        "leadership_roles": list(q.leadership_roles),
        "frontline_roles": list(q.frontline_roles),
        "min_group_size": q.min_group_size,
        "kpi_share": q.kpi_share,
        "levels": [{"level": lv.level, "name": lv.name, "min": lv.min} for lv in q.levels],
        "elements": [
            {
                "id": el.id,
                "title": el.title,
                "description": el.description,
                "weight": el.weight,
                "target": el.target,
                "levels": {str(k): v for k, v in sorted(el.levels.items())},
                "questions": [
                    {
                        "id": qu.id,
                        "text": qu.text,
                        "help": qu.help,
                        "type": qu.type,
                        "weight": qu.weight,
                        "roles": list(qu.roles),
                        "options": None
                        if qu.options is None
                        else [
                            {"value": o.value, "label": o.label, "score": o.score}
                            for o in qu.options
                        ],
                        "bands": None
                        if qu.bands is None
                        else [
                            {
                                "id": b.id,
                                "min": b.min,
                                "max": b.max,
                                "score": b.score,
                                "label": b.label,
                            }
                            for b in qu.bands
                        ],
                        "unit": qu.unit or None,
                        "range": None
                        if qu.range is None
                        else {"min": qu.range.min, "max": qu.range.max},
                        "allow_na": qu.allow_na,
                        "allow_dk": qu.allow_dk,
                        "source": _source(qu),
                    }
                    for qu in el.questions
                ],
                "recommendations": [
                    {
                        "id": r.id,
                        "title": r.title,
                        "why": r.why,
                        "actions": list(r.actions),
                        "effort": r.effort.value,
                        "impact": r.impact.value,
                        "horizon_days": r.horizon,
                        "when": r.when,
                        "addresses": list(r.addresses),
                        "after": list(r.after),
                        "evidence": r.evidence or None,
                    }
                    for r in el.recommendations
                ],
            }
            for el in q.elements
        ],
    }


@questionnaire.command("show")
@click.argument("ref")
@click.option("--version", "version", default=None, help="A specific version (default: newest).")
@click.option("--lang", default=None, help="Language of the texts (default: the questionnaire's).")
@click.option("--json", "as_json", is_flag=True, help="Print the normalized questionnaire as JSON.")
def show(ref: str, version: str | None, lang: str | None, as_json: bool) -> None:
    """Show a questionnaire by id (or path)."""
    q = resolve_questionnaire(ref, version, lang)
    doc = questionnaire_document(q)
    if as_json:
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    click.echo(f"{q.title} ({q.id} {q.version}, hash {q.content_hash[:12]})")
    for el in q.elements:
        click.echo(f"\n{el.title}  [{el.id}, weight {el.weight:g}, target {el.target:g}]")
        for qu in el.questions:
            roles = "" if set(qu.roles) == set(q.role_ids) else f"  ({', '.join(qu.roles)})"
            click.echo(f"  - {qu.id} [{qu.type}] {qu.text}{roles}")
