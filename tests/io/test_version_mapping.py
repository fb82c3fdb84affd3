"""Version mapping files: structure, file errors, unknown ids named."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.core.loader import load_questionnaire
from assessment.io.version_mapping import (
    MAX_BYTES,
    VersionMappingError,
    check_against,
    load_version_mapping,
    parse_version_mapping,
)
from tests.conftest import DATA

V1 = load_questionnaire(DATA / "trends" / "v1.yaml")
V2 = load_questionnaire(DATA / "trends" / "v2.yaml")
GOOD = DATA / "trends" / "v1-to-v2.yaml"


def messages(exc: pytest.ExceptionInfo[VersionMappingError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_good_file() -> None:
    vmap = load_version_mapping(GOOD)
    assert (vmap.from_id, vmap.from_version, vmap.to_id, vmap.to_version) == (
        "trendq",
        "1.0",
        "trendq",
        "2.0",
    )
    assert vmap.elements == {"b": "bb", "c": None}
    assert vmap.questions["c.q1"] is None
    check_against(vmap, V1, V2, "map.yaml")


def test_missing_file_and_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(VersionMappingError) as exc:
        load_version_mapping(tmp_path / "nope.yaml")
    assert messages(exc)[0].startswith(f"{tmp_path / 'nope.yaml'}: cannot read")
    with pytest.raises(VersionMappingError) as exc:
        parse_version_mapping(b"from: \xff\xfe", "up.yaml")
    assert messages(exc) == ["up.yaml: file is not valid UTF-8"]
    with pytest.raises(VersionMappingError) as exc:
        parse_version_mapping(b"#" * (MAX_BYTES + 1), "big.yaml")
    assert "limit" in messages(exc)[0]


def test_invalid_yaml_names_line() -> None:
    with pytest.raises(VersionMappingError) as exc:
        parse_version_mapping("from: {questionnaire: x\nto: [", "bad.yaml")
    assert messages(exc)[0].startswith("bad.yaml: line ")


def test_every_structural_problem_at_once() -> None:
    text = """
from: {questionnaire: trendq, version: 1.0}
to: trendq
elements:
  Bad Id: x
  b: 3
questions: [a]
extra: 1
"""
    with pytest.raises(VersionMappingError) as exc:
        parse_version_mapping(text, "m.yaml")
    assert messages(exc) == [
        "m.yaml: extra: unknown key (expected one of from, to, elements, questions)",
        'm.yaml: from.version: expected a version string (quote it, e.g. "1.0"), got 1.0',
        'm.yaml: to: required: {questionnaire: ID, version: "X.Y.Z"}',
        "m.yaml: elements.Bad Id: 'Bad Id' is not an id",
        "m.yaml: elements.b: expected a new id or null, got 3",
        "m.yaml: questions: expected a mapping of old id: new id (or null)",
    ]


def test_same_version_and_duplicate_keys() -> None:
    same = 'from: {questionnaire: q, version: "1"}\nto: {questionnaire: q, version: "1"}\n'
    with pytest.raises(VersionMappingError) as exc:
        parse_version_mapping(same, "s.yaml")
    assert messages(exc) == ["s.yaml: to: maps a version onto itself"]
    dup = same.replace('version: "1"}\n', 'version: "2"}\n', 1) + "elements:\n  a: b\n  a: c\n"
    with pytest.raises(VersionMappingError) as exc:
        parse_version_mapping(dup, "d.yaml")
    assert "duplicate key 'a'" in messages(exc)[0]


def test_unknown_ids_are_named() -> None:
    text = GOOD.read_text() + "  zz.q9: a.q1\n  a.q1: a.q99\n"
    vmap = parse_version_mapping(text, "m.yaml")
    bad_elements = vmap.__class__(
        vmap.from_id,
        vmap.from_version,
        vmap.to_id,
        vmap.to_version,
        {"x": "bb", "b": "y"},
        vmap.questions,
    )
    with pytest.raises(VersionMappingError) as exc:
        check_against(bad_elements, V1, V2, "m.yaml")
    assert messages(exc) == [
        "m.yaml: elements.x: unknown element 'x' in trendq 1.0",
        "m.yaml: elements.b: unknown element 'y' in trendq 2.0",
        "m.yaml: questions.zz.q9: unknown question 'zz.q9' in trendq 1.0",
        "m.yaml: questions.a.q1: unknown question 'a.q99' in trendq 2.0",
    ]


def test_versions_must_match_the_questionnaires() -> None:
    vmap = load_version_mapping(GOOD)
    with pytest.raises(VersionMappingError) as exc:
        check_against(vmap, V2, V1, "m.yaml")
    assert messages(exc)[:2] == [
        "m.yaml: from: expected trendq 2.0, the file names trendq 1.0",
        "m.yaml: to: expected trendq 1.0, the file names trendq 2.0",
    ]
