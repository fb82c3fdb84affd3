"""An assessment as other pages show it (header, crumbs), and the page of issued links.

Plain data read from the ORM objects while the view runs, so templates never load anything.
Kept apart from :mod:`assessment.web.assessments.page`, which imports the feature cards,
so every feature may use these without an import cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assessment.db.models import Assessment, AssessmentStatus
from assessment.services import respondents as people
from assessment.services.respondents import CurrentLink, IssuedLink
from assessment.web.i18n import shown_questionnaire


@dataclass(frozen=True)
class ClientRef:
    """The client an assessment belongs to, as far as page headers need it."""

    id: int
    name: str


@dataclass(frozen=True)
class AssessmentHeader:
    """An assessment as page headers, crumbs and links show it (no ORM object)."""

    id: int
    title: str
    client_id: int
    client: ClientRef
    status: AssessmentStatus
    is_demo: bool
    is_self_assessment: bool
    min_group_size: int

    @classmethod
    def of(cls, assessment: Assessment) -> AssessmentHeader:
        """Read the assessment (and its client) now, while the view runs."""
        return cls(
            id=assessment.id,
            title=assessment.title,
            client_id=assessment.client_id,
            client=ClientRef(assessment.client.id, assessment.client.name),
            status=assessment.status,
            is_demo=assessment.is_demo,
            is_self_assessment=assessment.is_self_assessment,
            min_group_size=assessment.min_group_size,
        )


@dataclass(frozen=True)
class LinkRow:
    """A respondent's current link; ``url`` is None when it can only be replaced."""

    respondent_id: int
    code: str
    name: str
    role_label: str
    url: str | None
    submitted: bool


@dataclass(frozen=True)
class LinksPage:
    """The page that shows respondents' current links with a CSV to download."""

    assessment: AssessmentHeader
    title: str
    links: tuple[LinkRow, ...]
    csv_text: str

    @property
    def replace_only(self) -> int:
        """How many of the links cannot be shown (only replaced)."""
        return sum(1 for link in self.links if link.url is None)


def links_page(
    assessment: Assessment,
    current: Sequence[CurrentLink | IssuedLink],
    base_url: str,
    title: str,
) -> LinksPage:
    """Build the links page for respondents of ``assessment``."""
    labels = {r.id: r.label for r in shown_questionnaire(assessment).roles}
    return LinksPage(
        assessment=AssessmentHeader.of(assessment),
        title=title,
        links=tuple(
            LinkRow(
                respondent_id=link.respondent.id,
                code=link.respondent.code,
                name=link.respondent.name,
                role_label=labels.get(link.respondent.role, link.respondent.role),
                url=f"{base_url}/r/{link.token}" if link.token else None,
                submitted=link.respondent.submitted_at is not None,
            )
            for link in current
        ),
        csv_text=people.links_csv([link for link in current if link.token], base_url),
    )
