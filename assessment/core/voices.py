"""Which verbatim comments a board sees: a few, from different elements, never from a small group.

Pure.  A board edition quotes three to five comments.  The selection rules, in order:

1. A comment counts only when its author's role has at least the minimum group size of
   respondents: a quote from a group whose scores are suppressed could be traced to a person.
   A self-assessment (one respondent) therefore has no quotes.
2. Very short comments (under :data:`MIN_CHARS` characters, e.g. "ok", "n/a") say nothing to a
   board; over-long ones (above :data:`MAX_CHARS`) do not fit a quote and are left for the full
   edition, which prints every comment.
3. Elements furthest below their target speak first; the selection then goes round the
   elements, one comment each, so that no element takes two places before every element with
   a comment has one.  Within an element, a comment in a language not yet quoted comes first,
   then the longer one (more substance), then the text itself (a stable order).
4. The same text (ignoring case and surrounding space) is quoted once.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessment.core.results import Comment, ElementResult, Results

MIN_CHARS = 25
MAX_CHARS = 500
MAX_VOICES = 5


@dataclass(frozen=True)
class Voice:
    """A quoted comment and the element it was written about."""

    element: str
    text: str
    language: str


def _eligible(results: Results, comment: Comment) -> bool:
    if not MIN_CHARS <= len(comment.text) <= MAX_CHARS:
        return False
    size = results.respondents_by_role.get(comment.role, 0) if comment.role else 0
    return size >= max(results.min_group_size, 2)


def _urgency(el: ElementResult) -> tuple[float, str]:
    score = el.score if el.score is not None else el.target
    return (-(el.target - score), el.id)


def pick_voices(results: Results, k: int = MAX_VOICES) -> tuple[Voice, ...]:
    """Up to ``k`` comments chosen by the rules in the module docstring."""
    pools: list[tuple[str, list[Comment]]] = []
    for el in sorted(results.elements, key=_urgency):
        pool = [c for c in el.comments if _eligible(results, c)]
        if pool:
            pools.append((el.id, pool))
    chosen: list[Voice] = []
    seen: set[str] = set()
    languages: set[str] = set()
    while len(chosen) < k and any(pool for _, pool in pools):
        for element, pool in pools:
            if len(chosen) == k:
                break
            pool.sort(key=lambda c: (c.language in languages, -len(c.text), c.text))
            while pool:
                comment = pool.pop(0)
                key = comment.text.strip().casefold()
                if key in seen:
                    continue
                seen.add(key)
                languages.add(comment.language)
                chosen.append(Voice(element, comment.text, comment.language))
                break
    return tuple(chosen)
