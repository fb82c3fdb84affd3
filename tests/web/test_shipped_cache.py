"""The shipped questionnaire is read and validated once per process while its files stay the
same (self-assessments and demo loading ask for it on every request)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from assessment.services import questionnaires as qsvc


def test_read_once_then_again_when_a_file_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    builds: list[str] = []
    real = qsvc.build_questionnaire

    def counting(document: Any, source: str) -> Any:
        builds.append(source)
        return real(document, source)

    monkeypatch.setattr(qsvc, "build_questionnaire", counting)
    monkeypatch.setattr(qsvc, "_SHIPPED", {})
    first = qsvc._read_shipped(qsvc.STANDARD_ID)
    second = qsvc._read_shipped(qsvc.STANDARD_ID)
    assert len(builds) == 1
    assert second.model is first.model and second.document == first.document
    # Each caller gets its own copies: changing one changes neither the cache nor the other.
    second.catalogues.clear()
    assert qsvc._read_shipped(qsvc.STANDARD_ID).catalogues == first.catalogues != {}
    # A touched file (a new release of the questionnaire) is read again.
    manifest = qsvc.find_questionnaire_dir(qsvc.STANDARD_ID) / "questionnaire.yaml"
    st = manifest.stat()
    try:
        os.utime(manifest, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
        qsvc._read_shipped(qsvc.STANDARD_ID)
    finally:
        os.utime(manifest, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert len(builds) == 2
