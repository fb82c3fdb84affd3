"""The message catalogue: every code raised has a text, every text is translated.

Errors carry codes (``raise Invalid("client.name_required", field="name")``); the web shows
them in the user's language.  These tests read the source for every code an error or a
message is built with, so a new ``raise Invalid("some English sentence")`` fails here
instead of reaching a Polish user in English.
"""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from assessment.catalogues import translations_for
from assessment.core.errors import CodedError
from assessment.messages import ENGLISH, Lines, Message, catalogue, plain_params, render
from assessment.services.errors import Invalid

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "assessment" / "translations"
LANGS = ["pl", "ru", "zh", "ro"]
CODE_FIRST = {
    "CodedError",
    "ServiceError",
    "NotFound",
    "PermissionDenied",
    "Invalid",
    "Conflict",
    "InvalidToken",
    "Message",
}
CODE_SECOND = {"AnswerError"}  # AnswerError(question_id, code, ...)
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _code_args() -> list[tuple[str, ast.expr]]:
    """(where, the expression passed as the code) of every error or message built in the app."""
    found: list[tuple[str, ast.expr]] = []
    for path in sorted((ROOT / "assessment").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            position = 0 if name in CODE_FIRST else 1 if name in CODE_SECOND else None
            if position is None or len(node.args) <= position:
                continue
            found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.args[position]))
    return found


def _codes_in(expr: ast.expr) -> list[str] | None:
    """The literal codes an expression can be (None: computed, checked elsewhere)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.IfExp):
        body, orelse = _codes_in(expr.body), _codes_in(expr.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def test_every_code_raised_is_in_the_catalogue() -> None:
    args = _code_args()
    assert len(args) > 100  # the scan sees the application's raise sites
    missing, sentences = [], []
    for where, expr in args:
        codes = _codes_in(expr)
        if codes is not None:
            missing += [f"{where}: {code!r}" for code in codes if code not in catalogue()]
        elif isinstance(expr, ast.JoinedStr):
            prefix = "".join(
                str(v.value) for v in expr.values if isinstance(v, ast.Constant)
            ).split("{")[0]
            if not any(code.startswith(prefix) for code in catalogue()):
                missing.append(f"{where}: f-string code {prefix!r}...")
        elif not isinstance(expr, ast.Name | ast.Attribute):
            # A call such as _("...") or str(exc) is a sentence, not a code.
            sentences.append(f"{where}: {ast.unparse(expr)}")
    assert not missing, "codes without a catalogue entry:\n" + "\n".join(missing)
    assert not sentences, "errors built from a sentence, not a code:\n" + "\n".join(sentences)


def test_codes_computed_from_statuses_exist() -> None:
    from assessment.db.models import AssessmentStatus

    for status in AssessmentStatus:
        assert f"status.{status.value}" in catalogue()


def test_codes_assigned_to_variables_exist() -> None:
    """``code = "a" if ... else "b"`` followed by ``Message(code, ...)``."""
    checked = 0
    for path in sorted((ROOT / "assessment").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "code" for t in node.targets
            ):
                codes = _codes_in(node.value) or []
                for code in codes:
                    if "." in code:
                        checked += 1
                        assert code in catalogue(), f"{path}:{node.lineno}: {code!r}"
    assert checked >= 4


def _spec_ids() -> list[tuple[str, str, str | None]]:
    out = []
    for code, spec in catalogue().items():
        if isinstance(spec, str):
            out.append((code, spec, None))
        else:
            out.append((code, spec[0], spec[1]))
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_every_catalogue_text_is_translated(lang: str) -> None:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        po = read_po(fh, locale=lang)
    with (TRANSLATIONS / "messages.pot").open("rb") as fh:
        pot = read_po(fh)
    problems = []
    for code, msgid, plural in _spec_ids():
        if msgid not in pot:
            problems.append(f"{code}: not in messages.pot")
        entry = po.get(msgid)
        if entry is None:
            problems.append(f"{code}: not in {lang}")
            continue
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if plural is not None and not isinstance(entry.string, tuple):
            problems.append(f"{code}: {lang} has no plural forms")
        if not all(forms) or entry.fuzzy:
            problems.append(f"{code}: untranslated in {lang}")
        names = set(PLACEHOLDER.findall(msgid)) | set(PLACEHOLDER.findall(plural or ""))
        for form in forms:
            if set(PLACEHOLDER.findall(form)) != names:
                problems.append(f"{code}: {lang} names other parameters: {form!r}")
    assert not problems, "\n".join(problems)


def test_babel_cfg_extracts_every_catalogue_text() -> None:
    """``pybabel extract -F babel.cfg`` finds the texts (N_ and the Nn_ plural marker)."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
    from babel.messages.frontend import parse_mapping_cfg

    with (ROOT / "babel.cfg").open() as fh:
        _methods, options = parse_mapping_cfg(fh)
    keywords = {**DEFAULT_KEYWORDS, **options["assessment/**.py"].get("keywords", {})}
    found: set[str | tuple[str, ...]] = set()
    for path in (ROOT / "assessment" / "messages").glob("*.py"):
        for _line, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=keywords
        ):
            found.add(message)
    expected = {spec if isinstance(spec, str) else tuple(spec) for spec in catalogue().values()}
    assert expected <= found, sorted(map(str, expected - found))[:10]


def test_the_english_text_is_the_string() -> None:
    m = Message("answer.out_of_range_unit", value=250.0, min=0.0, max=100.0, unit="%")
    assert m == "250 is outside the allowed range 0..100 %"
    assert (m.code, m.params["max"]) == ("answer.out_of_range_unit", 100.0)
    assert pickle.loads(pickle.dumps(m)).params == m.params


def test_rendering_uses_the_language_numbers_and_plurals() -> None:
    m = Message(
        "at",
        where=Message("where.row", row=12),
        problem=Message("answer.out_of_range", value=2.5, min=0.0, max=40.0),
    )
    pl = translations_for("pl")
    assert m.render(pl, "pl") == "wiersz 12: wartość 2,5 wykracza poza dozwolony zakres 0–40"
    assert render(m, ENGLISH, "en") == "row 12: 2.5 is outside the allowed range 0..40"
    long = Message("person.comment_too_long", num=5001.0, max=5000.0)
    assert str(long) == "the comment has 5,001 characters; the limit is 5,000"
    # Polish groups digits with a no-break space.
    assert long.render(pl, "pl") == "komentarz ma 5\xa0001 znaków; limit to 5\xa0000"
    assert Message("form.min_chars", num=2).render(translations_for("ru"), "ru") == (
        "используйте не менее 2 символов"
    )
    lines = Message("form.detail", detail=Lines([Message("people.none"), "plain text"]))
    assert str(lines) == (
        "no respondents found; one per line: name, email, role, team, region, segment\nplain text"
    )


def test_errors_carry_code_and_params() -> None:
    exc = Invalid("overrides.weight", field="overrides", element="crm", max=10.0)
    assert isinstance(exc, CodedError)
    assert (exc.code, exc.field, dict(exc.params)) == (
        "overrides.weight",
        "overrides",
        {"element": "crm", "max": 10.0},
    )
    assert str(exc) == "crm: weight must be between 0 and 10"
    copy = pickle.loads(pickle.dumps(exc))
    assert (type(copy), copy.code, copy.field, str(copy)) == (
        Invalid,
        "overrides.weight",
        "overrides",
        str(exc),
    )
    nested = Invalid("at", where=Message("where.line", line=3), problem=Message("people.none"))
    assert plain_params(nested, translations_for("zh"), "zh") == {
        "where": "第 3 行",
        "problem": "未找到受访者；每行一位：姓名, 电子邮箱, 角色, 团队, 地区, 细分市场",
    }


def test_an_unknown_code_reads_as_itself() -> None:
    assert str(Message("not.a.code")) == "not.a.code"
