"""A released questionnaire version never changes its content.

Assessments store the questionnaire they were started with, keyed by its content hash, and
trends and mapping files name versions.  If the shipped files of a released version changed,
a workspace that already stored it would hold two different questionnaires under one
version: the new-assessment form would offer both and a mapping file naming that version
would be refused as ambiguous.  A content change therefore needs a new version number (and
a mapping from the old one); translations may still be corrected in place, since stored
catalogues are updated without changing what is asked.

When you publish a new version, add its hash here.
"""

from __future__ import annotations

import pytest

from assessment.core.loader import find_questionnaire

RELEASED = {
    ("sales-org-health", "2.0.0"): (
        "82b4dbee0b51848923a86604a7b9ed3dcdb4d52080543cee2e9e60dd3f986312"
    ),
    ("sales-quick-check", "1.0.0"): (
        "2bc83179337a059d89195b161bad3ec063989d906de93f3d39b5e36d00189199"
    ),
}


@pytest.mark.parametrize("qid", sorted({qid for qid, _ in RELEASED}))
def test_a_shipped_version_keeps_the_content_it_was_released_with(qid: str) -> None:
    shipped = find_questionnaire(qid)
    released = RELEASED.get((shipped.id, shipped.version))
    assert released is not None, (
        f"{qid} {shipped.version} is not listed as released: add its content hash to RELEASED"
    )
    assert shipped.content_hash == released, (
        f"the content of {qid} {shipped.version} changed after its release: give the change "
        "a new version number and a mapping from this one"
    )
