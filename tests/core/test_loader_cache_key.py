"""The questionnaire cache key covers the code that loads, found from its imports.

The key once listed the loader's modules by hand; a module added to the loader's imports
and left off the list would have let a changed validator serve stale entries.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assessment.core import loader
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parents[2]
MINI = DATA / "mini"


def test_the_key_covers_every_project_module_the_loader_imports() -> None:
    # What importing the loader really loads, in a fresh interpreter.
    probe = (
        "import sys, assessment.core.loader\n"
        "for name, module in sorted(sys.modules.items()):\n"
        "    if name.split('.')[0] == 'assessment' and getattr(module, '__file__', None):\n"
        "        print(module.__file__)\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    covered = {str(path.resolve()) for path in loader._code_files()}
    assert {str(Path(f).resolve()) for f in loaded} <= covered
    assert str((ROOT / "assessment" / "core" / "model.py").resolve()) in covered
    # Only the loader's own dependencies, not the whole application.
    assert not any("/web/" in path or "/db/" in path for path in covered)


def test_every_form_of_import_is_followed(tmp_path: Path) -> None:
    source = tmp_path / "module.py"
    source.write_text(
        '"""Docs."""\n'
        "import os\n"
        "import assessment.core.scoring as scoring, json\n"
        "from assessment.core import safe_yaml, conditions as cond\n"
        "from assessment.core.model import (\n"
        "    Questionnaire,\n"
        "    Question,  # a comment\n"
        ")\n"
        "from . import results\n"
        "from .crm import METRICS\n"
        "def later():\n"
        "    from assessment.core.trends import Trend\n",
        encoding="utf-8",
    )
    names = set(loader._project_imports(source, "assessment.core"))
    assert {
        "assessment.core.scoring",
        "assessment.core.safe_yaml",
        "assessment.core.conditions",
        "assessment.core.model",
        "assessment.core.model.Questionnaire",
        "assessment.core.results",
        "assessment.core.crm",
        "assessment.core.trends",
    } <= names
    assert "os" not in names and "json" not in names


def test_a_changed_code_file_changes_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESHEALTH_CACHE_DIR", str(tmp_path / "cache"))
    code = tmp_path / "validator.py"
    code.write_text("RULES = 1\n", encoding="utf-8")
    monkeypatch.setattr(loader, "_code_files", lambda: (code,))
    before = loader._cache_key(MINI, None)
    assert before is not None and before == loader._cache_key(MINI, None)
    code.write_text("RULES = 22\n", encoding="utf-8")
    assert loader._cache_key(MINI, None) != before
