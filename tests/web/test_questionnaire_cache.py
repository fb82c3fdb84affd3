"""The per-process cache of questionnaire models is bounded (least recently used goes).

Every version a workspace publishes, in every language, used to stay in a long-lived web
or worker process for good.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from assessment.core.loader import (
    assemble_document,
    build_questionnaire,
    find_questionnaire_dir,
    read_catalogues,
)
from assessment.services import questionnaires as qsvc
from assessment.services.lru import LRUCache


def test_the_least_recently_used_entry_goes_first() -> None:
    cache: LRUCache[str, int] = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the least recently used
    cache.put("c", 3)
    assert "b" not in cache and cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2
    cache.discard(lambda key: key == "a")
    assert "a" not in cache and len(cache) == 1
    with pytest.raises(ValueError):
        LRUCache(0)


def test_the_model_cache_is_bounded() -> None:
    for cache in (qsvc._BASE, qsvc._LOCALIZED, qsvc._LANGUAGES):
        assert isinstance(cache, LRUCache) and cache.maxsize == qsvc.MODEL_CACHE_SIZE


def _stored_standard() -> Any:
    """The shipped questionnaire as a stored version holds it (no database needed)."""
    folder = find_questionnaire_dir(qsvc.STANDARD_ID)
    document = assemble_document(folder)
    model = build_questionnaire(document, str(folder))
    return SimpleNamespace(
        id=1,
        created_at="2026-12-05",
        qid=model.id,
        content_hash=model.content_hash,
        document=document,
        catalogues=read_catalogues(folder),
    )


def test_models_beyond_the_bound_are_rebuilt_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(qsvc, "_BASE", LRUCache(3))
    monkeypatch.setattr(qsvc, "_LOCALIZED", LRUCache(3))
    monkeypatch.setattr(qsvc, "_LANGUAGES", LRUCache(3))
    version = _stored_standard()
    langs = qsvc.languages_of(version)
    assert len(langs) == 5
    titles = {lang: qsvc.model_of(version, lang).title for lang in langs}
    assert len(qsvc._LOCALIZED) == 3  # four translations asked for, three kept
    assert len(set(titles.values())) == 5  # each language its own model
    # An evicted language is built again, the same as before.
    assert qsvc.model_of(version, langs[1]).title == titles[langs[1]]
    assert len(qsvc._LOCALIZED) == 3
