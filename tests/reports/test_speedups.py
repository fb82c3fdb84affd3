"""What makes ``saleshealth report`` start fast, and that it stays correct.

* the questionnaire cache returns the same model, notices every changed file and never
  caches (or changes) a validation error;
* the CLI imports only what a command needs (no Flask/SQLAlchemy for ``report``, no
  WeasyPrint in the process that builds the HTML);
* the CLI renders in a bounded child, so a render that runs too long exits 1 cleanly.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from assessment.cli import main
from assessment.core import loader
from assessment.core.loader import QuestionnaireError, find_questionnaire, load_questionnaire
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parents[2]
MINI = DATA / "mini"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache folder for this test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("SALESHEALTH_CACHE_DIR", str(folder))
    return folder / "questionnaires"


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.pickle")) if cache.is_dir() else []


def test_cache_returns_the_same_questionnaire(cache: Path) -> None:
    first = find_questionnaire("sales-org-health", lang="pl")
    assert len(_entries(cache)) == 2  # the source language and the Polish one
    assert (cache.stat().st_mode & 0o777) == 0o700
    again = find_questionnaire("sales-org-health", lang="pl")
    assert again == first and again.content_hash == first.content_hash


def test_cache_notices_a_changed_element_file(cache: Path, tmp_path: Path) -> None:
    folder = tmp_path / "q"
    shutil.copytree(ROOT / "questionnaires" / "sales-org-health", folder)
    before = load_questionnaire(folder)
    element = sorted((folder / "elements").glob("*.yaml"))[0]
    text = element.read_text(encoding="utf-8")
    element.write_text(text.replace("title: ", "title: Changed ", 1), encoding="utf-8")
    after = load_questionnaire(folder)
    assert after.content_hash != before.content_hash
    assert any(e.title.startswith("Changed ") for e in after.elements)
    element.write_text(text, encoding="utf-8")  # back to the first content: its entry again
    assert load_questionnaire(folder) == before
    assert len(_entries(cache)) == 2


def test_errors_are_not_cached_and_keep_their_messages(cache: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    manifest = folder / "questionnaire.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "\nid: again\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(QuestionnaireError) as exc:
            load_questionnaire(folder)
        assert "duplicate key 'id'" in str(exc.value)
    assert _entries(cache) == []


def test_a_damaged_or_foreign_entry_is_a_miss(cache: Path) -> None:
    expected = load_questionnaire(MINI)
    (entry,) = _entries(cache)
    entry.write_bytes(b"not a pickle")
    assert load_questionnaire(MINI) == expected
    cache.chmod(0o777)  # writable by others: never read from it
    entry.write_bytes(b"not a pickle either")
    assert load_questionnaire(MINI) == expected
    cache.chmod(0o700)


def test_cache_can_be_switched_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SALESHEALTH_CACHE_DIR", "off")
    assert loader.cache_dir() is None
    assert load_questionnaire(MINI).id


def test_compiled_report_templates_are_cached_privately(cache: Path) -> None:
    from jinja2 import Environment, FileSystemLoader

    from reports import render
    from reports.assets import ASSET_ROOT

    bytecode = render._bytecode_cache()
    assert bytecode is not None
    folder = cache.parent / "templates"
    assert (folder.stat().st_mode & 0o777) == 0o700
    env = Environment(loader=FileSystemLoader(str(ASSET_ROOT)), bytecode_cache=bytecode)
    env.get_template("_cover.html")
    assert len(list(folder.iterdir())) == 1  # compiled once, stored

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again instead of read from the cache")

    fresh = Environment(loader=FileSystemLoader(str(ASSET_ROOT)), bytecode_cache=bytecode)
    fresh.compile = no_compiling  # type: ignore[method-assign,assignment]
    assert "cover" in str(fresh.get_template("_cover.html").filename)
    folder.chmod(0o770)  # writable by the group: compiled code is never loaded from it
    assert render._bytecode_cache() is None
    folder.chmod(0o700)


def test_compiled_templates_are_not_cached_when_caching_is_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reports import render

    monkeypatch.setenv("SALESHEALTH_CACHE_DIR", "off")
    assert render._bytecode_cache() is None


def _imported(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {name.split(".")[0] for name in out.split()}


def test_cli_start_imports_no_web_stack() -> None:
    heavy = {"flask", "sqlalchemy", "weasyprint", "gunicorn", "pydantic"}
    assert _imported("import assessment.cli") & heavy == set()


def test_building_the_html_does_not_import_weasyprint() -> None:
    code = "import assessment.cli.report_cmd, reports, reports.render, assessment.catalogues"
    assert "weasyprint" not in _imported(code)


def test_report_timeout_exits_1_without_a_pdf(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    result = CliRunner().invoke(
        main,
        [
            "report",
            "--answers",
            str(MINI / "answers.csv"),
            "--questionnaire",
            str(MINI),
            "-o",
            str(out),
            "--timeout",
            "0.001",
        ],
    )
    assert result.exit_code == 1, result.output
    assert "error: the report took longer than 0.001 s and was stopped" in result.stderr
    assert not out.exists()


def test_forkserver_preload_pauses_the_collector_then_freezes_and_resumes_it() -> None:
    """The forkserver's preload order: GC paused for the imports, frozen and on before forks."""
    from reports.bounded import FORKSERVER_PRELOAD

    preload = list(FORKSERVER_PRELOAD)
    assert preload[0] == "reports.gc_pause" and preload[-1] == "reports.preload"
    script = (
        "import gc, importlib, sys\n"
        f"preload = {preload!r}\n"
        "importlib.import_module(preload[0])\n"
        "paused = not gc.isenabled()\n"
        "for name in preload[1:]:\n"
        "    importlib.import_module(name)\n"
        "print(paused, gc.isenabled(), gc.get_freeze_count() > 10000)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.split() == ["True", "True", "True"]
