"""Questionnaire translations: extract the texts, check a catalogue, apply it.

A catalogue is a nested mapping stored as ``i18n/<lang>.yaml`` next to the questionnaire::

    title, description
    roles: {ROLE: label}
    levels: {N: {name, description}}
    scales: {SCALE: {VALUE: label}}
    elements:
      ELEMENT: {title, description, levels: {N: text},
                questions: {QID: {text, help, unit, options: {VALUE: label}, bands: {ID: label},
                                  source: the note of the bands' source}},
                recommendations: {RID: {title, why, actions: [..], evidence}}}

An ``evidence`` sentence keeps exactly the placeholders of the source language
(:func:`catalogue_problems`); its words and their order are free.

Ids never change between languages, so answers given in any language aggregate as one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from assessment.core.model import BandSource, Element, Option, Question, Questionnaire

Catalogue = dict[str, Any]


def N_(message: str) -> str:
    """Mark an interface string for the message catalogues without translating it.

    The pure core cannot translate; the web, the reports and the command line translate
    the marked string when they show it (``gettext(label)``).
    """
    return message


def extract_texts(q: Questionnaire) -> Catalogue:
    """Every translatable text of a questionnaire, in catalogue shape (its own language)."""
    scales: dict[str, dict[str, str]] = {}
    for question in q.questions().values():
        if question.scale and question.options:
            scales.setdefault(question.scale, {o.value: o.label for o in question.options})
    return {
        "title": q.title,
        "description": q.description,
        "roles": {r.id: r.label for r in q.roles},
        "levels": {lv.level: {"name": lv.name, "description": lv.description} for lv in q.levels},
        "scales": scales,
        "elements": {el.id: _element_texts(el) for el in q.elements},
    }


def _element_texts(el: Element) -> dict[str, Any]:
    questions: dict[str, Any] = {}
    for question in el.questions:
        entry: dict[str, Any] = {"text": question.text}
        if question.help:
            entry["help"] = question.help
        if question.unit:
            entry["unit"] = question.unit
        if question.options and not question.scale:
            entry["options"] = {o.value: o.label for o in question.options}
        if question.bands and any(b.label for b in question.bands):
            entry["bands"] = {b.id: b.label for b in question.bands if b.label}
        if question.band_source is not None:
            entry["source"] = question.band_source.note
        questions[question.id] = entry
    recommendations: dict[str, Any] = {}
    for r in el.recommendations:
        rec: dict[str, Any] = {"title": r.title, "why": r.why, "actions": list(r.actions)}
        if r.evidence:
            rec["evidence"] = r.evidence
        recommendations[r.id] = rec
    return {
        "title": el.title,
        "description": el.description,
        "levels": dict(sorted(el.levels.items())),
        "questions": questions,
        "recommendations": recommendations,
    }


def _leaves(tree: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(tree, Mapping):
        for key, value in tree.items():
            yield from _leaves(value, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, tree


def flatten(tree: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted key → text (lists of actions stay lists)."""
    return dict(_leaves(tree))


def check_catalogue(
    q: Questionnaire, catalogue: Mapping[str, Any], allow_identical: frozenset[str] = frozenset()
) -> dict[str, list[str]]:
    """Missing keys, extra keys and texts left identical to the source language."""
    source = flatten(extract_texts(q))
    allow_identical = allow_identical | frozenset(catalogue.get("_identical_ok") or ())
    target = flatten({k: v for k, v in catalogue.items() if k not in ("language", "_identical_ok")})
    missing = sorted(k for k, v in source.items() if v and k not in target)
    extra = sorted(k for k in target if k not in source)
    untranslated: list[str] = []
    for key, text in source.items():
        got = target.get(key)
        if not text or got is None:
            continue
        if isinstance(text, list) and isinstance(got, list):
            if len(got) != len(text):
                extra.append(f"{key} (has {len(got)} items, source has {len(text)})")
            if any(
                a == b and not _allowed(a, allow_identical) for a, b in zip(text, got, strict=False)
            ):
                untranslated.append(key)
        elif got == text and not _allowed(str(text), allow_identical):
            untranslated.append(key)
    placeholders = [f"{path}: {message}" for path, message in catalogue_problems(q, catalogue)]
    return {
        "missing": missing,
        "extra": extra,
        "untranslated": sorted(untranslated),
        "placeholders": placeholders,
    }


def catalogue_problems(q: Questionnaire, catalogue: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(path, message) of each translated ``evidence`` sentence whose placeholders are not
    exactly those of the source sentence (or that does not parse)."""
    # Imported here: the placeholders module builds on the model and the results.
    from assessment.core.placeholders import PlaceholderError, placeholders_of

    problems: list[tuple[str, str]] = []
    elements = catalogue.get("elements") or {}
    for el in q.elements:
        recs = ((elements.get(el.id) or {}) if isinstance(elements, Mapping) else {}).get(
            "recommendations"
        ) or {}
        for rec in el.recommendations:
            entry = recs.get(rec.id) if isinstance(recs, Mapping) else None
            text = entry.get("evidence") if isinstance(entry, Mapping) else None
            if text is None:
                continue
            path = f"elements.{el.id}.recommendations.{rec.id}.evidence"
            if not rec.evidence:
                problems.append((path, "the source recommendation has no evidence sentence"))
                continue
            if not isinstance(text, str):
                problems.append((path, "expected a sentence"))
                continue
            try:
                got = placeholders_of(text)
            except PlaceholderError as exc:
                problems.append((path, str(exc)))
                continue
            want = placeholders_of(rec.evidence)
            if got != want:
                detail = []
                if want - got:
                    detail.append("missing " + ", ".join(sorted(want - got)))
                if got - want:
                    detail.append("not in the source " + ", ".join(sorted(got - want)))
                problems.append(
                    (path, "placeholders differ from the source sentence: " + "; ".join(detail))
                )
    return problems


def _evidence_text(rec_evidence: str, translated: object) -> str:
    """The translated evidence sentence when it keeps the source's placeholders, else ""."""
    from assessment.core.placeholders import PlaceholderError, placeholders_of

    if not rec_evidence:
        return ""
    if not isinstance(translated, str) or not translated.strip():
        return rec_evidence
    try:
        same = placeholders_of(translated) == placeholders_of(rec_evidence)
    except PlaceholderError:
        same = False
    # A sentence citing other figures than the source's is not shown at all (the loader
    # and ``questionnaire validate`` refuse it); the source language would be out of place.
    return translated if same else ""


def _allowed(text: str, allow: frozenset[str]) -> bool:
    stripped = text.strip()
    if not any(ch.isalpha() for ch in stripped):
        return True  # numbers, units like "%", punctuation
    return stripped in allow


def _source(source: BandSource | str, note: object) -> BandSource | str:
    if isinstance(source, BandSource) and isinstance(note, str) and note.strip():
        return source.model_copy(update={"note": note.strip()})
    return source


def by_level(texts: Mapping[Any, Any] | None) -> dict[int, Any]:
    """A catalogue's texts per maturity level keyed by the level number.

    A catalogue read from YAML has numbers as keys (``1:``); the same catalogue stored as
    JSON (in the database) has strings (``"1"``).  Looking levels up by number in the JSON
    shape found nothing, so every stored translation fell back to the source language's
    level names and descriptions (“Poziom 2 · Developing” on Polish pages and reports).
    """
    out: dict[int, Any] = {}
    for key, value in (texts or {}).items():
        try:
            out[int(key)] = value
        except (TypeError, ValueError):
            continue
    return out


def localize(q: Questionnaire, catalogue: Mapping[str, Any], language: str) -> Questionnaire:
    """A copy of ``q`` with texts from the catalogue (falling back to the source text).

    The catalogue may come from YAML or from JSON (numbered keys as numbers or strings).
    """
    c = catalogue
    scales = c.get("scales") or {}

    def opts(question: Question, entry: Mapping[str, Any]) -> tuple[Option, ...] | None:
        if question.options is None:
            return None
        labels = scales.get(question.scale, {}) if question.scale else entry.get("options") or {}
        return tuple(
            o.model_copy(update={"label": labels.get(o.value) or o.label}) for o in question.options
        )

    elements = []
    for el in q.elements:
        ec = (c.get("elements") or {}).get(el.id) or {}
        qc = ec.get("questions") or {}
        rc = ec.get("recommendations") or {}
        questions = []
        for question in el.questions:
            entry = qc.get(question.id) or {}
            band_labels = entry.get("bands") or {}
            questions.append(
                question.model_copy(
                    update={
                        "text": entry.get("text") or question.text,
                        "help": entry.get("help") or question.help,
                        "unit": entry.get("unit") or question.unit,
                        "options": opts(question, entry),
                        "bands": None
                        if question.bands is None
                        else tuple(
                            b.model_copy(update={"label": band_labels.get(b.id) or b.label})
                            for b in question.bands
                        ),
                        "source": _source(question.source, entry.get("source")),
                    }
                )
            )
        recs = []
        for rec in el.recommendations:
            entry = rc.get(rec.id) or {}
            actions = entry.get("actions")
            recs.append(
                rec.model_copy(
                    update={
                        "title": entry.get("title") or rec.title,
                        "why": entry.get("why") or rec.why,
                        "actions": tuple(actions)
                        if isinstance(actions, list) and len(actions) == len(rec.actions)
                        else rec.actions,
                        "evidence": _evidence_text(rec.evidence, entry.get("evidence")),
                    }
                )
            )
        level_texts = by_level(ec.get("levels"))
        elements.append(
            el.model_copy(
                update={
                    "title": ec.get("title") or el.title,
                    "description": ec.get("description") or el.description,
                    "levels": {k: level_texts.get(k) or v for k, v in el.levels.items()},
                    "questions": tuple(questions),
                    "recommendations": tuple(recs),
                }
            )
        )
    role_labels = c.get("roles") or {}
    level_cat = by_level(c.get("levels"))
    return q.model_copy(
        update={
            "title": c.get("title") or q.title,
            "description": c.get("description") or q.description,
            "language": language,
            "roles": tuple(
                r.model_copy(update={"label": role_labels.get(r.id) or r.label}) for r in q.roles
            ),
            "levels": tuple(
                lv.model_copy(
                    update={
                        "name": (level_cat.get(lv.level) or {}).get("name") or lv.name,
                        "description": (level_cat.get(lv.level) or {}).get("description")
                        or lv.description,
                    }
                )
                for lv in q.levels
            ),
            "elements": tuple(elements),
        }
    )
