"""Typed SQLAlchemy 2.0 models.

Workspace data inherits :class:`~assessment.db.tenancy.WorkspaceScoped`, which is what keeps
one consultancy's clients invisible to another (see ``tenancy.py``).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from itertools import chain
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    inspect,
    update,
)
from sqlalchemy.orm import Mapped, Session, WriteOnlyMapped, mapped_column, relationship

from assessment.db.base import Base, UTCDateTime, utcnow
from assessment.db.tenancy import WorkspaceScoped
from reports.branding import DEFAULT_PRIMARY


class MemberRole(enum.StrEnum):
    """What a member may do in a workspace."""

    OWNER = "owner"
    CONSULTANT = "consultant"
    VIEWER = "viewer"


class AssessmentStatus(enum.StrEnum):
    """Life cycle of an assessment: draft → open → closed (→ reopened as open)."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Workspace(Base):
    """A consultancy or a company's sales team: the unit of data isolation."""

    __tablename__ = "workspace"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    firm_name: Mapped[str] = mapped_column(String(200), default="")
    primary_color: Mapped[str] = mapped_column(String(7), default=DEFAULT_PRIMARY)
    footer_text: Mapped[str] = mapped_column(String(300), default="")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    logo_mime: Mapped[str | None] = mapped_column(String(40), nullable=True)
    require_mfa: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Every member must sign in with a second factor (set by an owner)."""
    # Retention (see docs/privacy.md): null keeps the data for as long as the workspace.
    retain_identities_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Days after an assessment closes until its respondents' names, e-mails and links go."""
    retain_files_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Days after a PDF report is generated until it is deleted."""
    retain_audit_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Days an audit entry is kept."""


class User(Base):
    """A person who signs in (consultant, sales leader)."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    session_nonce: Mapped[str] = mapped_column(String(64))
    """Rotated on logout and password change so copied session cookies stop working."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    memberships: Mapped[list[Membership]] = relationship(back_populates="user")
    mfa_secret: Mapped[str | None] = mapped_column(String(300), nullable=True)
    """The TOTP secret, encrypted (Fernet, key derived from SECRET_KEY); None: no 2FA."""
    mfa_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    mfa_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The TOTP time step of the last accepted code: a code is never accepted twice."""


class Membership(Base):
    """A user's role in a workspace."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "workspace_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    role: Mapped[MemberRole] = mapped_column(Enum(MemberRole, native_enum=False, length=20))
    user: Mapped[User] = relationship(back_populates="memberships")
    workspace: Mapped[Workspace] = relationship()


class QuestionnaireVersion(Base):
    """An immutable, published questionnaire document, pinned by assessments.

    ``workspace_id`` is null for the shipped standard questionnaires.
    """

    __tablename__ = "questionnaire_version"
    # Content is stored once per workspace (shipped versions: once, workspace null).
    __table_args__ = (UniqueConstraint("workspace_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int | None] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), nullable=True
    )
    qid: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64))
    # Large documents: loaded only when a process builds its cached model (see model_of).
    document: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    catalogues: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Client(WorkspaceScoped, Base):
    """An organization being assessed."""

    __tablename__ = "client"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    industry: Mapped[str] = mapped_column(String(100), default="")
    size_band: Mapped[str] = mapped_column(String(20), default="")
    sales_motion: Mapped[str] = mapped_column(String(20), default="")
    regions: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reassess_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Re-assessment cadence in months (3, 6 or 12); None: no rhythm (services/rhythm.py)."""
    plan_reminders: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """E-mail the owners of the client's plan items before and after their due dates."""
    assessments: Mapped[list[Assessment]] = relationship(back_populates="client")


class Assessment(WorkspaceScoped, Base):
    """One run of a questionnaire for a client."""

    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[AssessmentStatus] = mapped_column(
        Enum(AssessmentStatus, native_enum=False, length=10), default=AssessmentStatus.DRAFT
    )
    language: Mapped[str] = mapped_column(String(10), default="en")
    min_group_size: Mapped[int] = mapped_column(Integer, default=3)
    overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_self_assessment: Mapped[bool] = mapped_column(Boolean, default=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment.id", ondelete="SET NULL"), nullable=True, index=True
    )
    """The closed assessment this one follows up (same client), if any."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reminder_after_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    """Days without an answer after which a respondent is reminded by e-mail (with SMTP)."""
    reminder_max: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    """Automatic reminders each respondent gets at most; 0 turns them off."""
    roadmap_per_phase: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    """At most this many initiatives in each phase of the 30/60/90-day roadmap (1–6)."""
    client: Mapped[Client] = relationship(back_populates="assessments")
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    respondents: WriteOnlyMapped[Respondent] = relationship(
        back_populates="assessment", passive_deletes=True
    )


class Respondent(WorkspaceScoped, Base):
    """A person answering an assessment through a personal link (no account)."""

    __tablename__ = "respondent"
    __table_args__ = (
        UniqueConstraint("token_hash"),
        UniqueConstraint("assessment_id", "code"),
        # Scoped queries say ``workspace_id = ? AND assessment_id = ?``: one index serving both
        # means no plan can start from every respondent of the workspace.
        Index("ix_respondent_workspace_id_assessment_id", "workspace_id", "assessment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    role: Mapped[str] = mapped_column(String(40))
    team: Mapped[str] = mapped_column(String(100), default="")
    region: Mapped[str] = mapped_column(String(100), default="", server_default="")
    segment: Mapped[str] = mapped_column(String(100), default="", server_default="")
    language: Mapped[str] = mapped_column(String(10), default="")
    origin: Mapped[str] = mapped_column(String(10), default="link", server_default="link")
    """How the answers arrive: ``link`` (personal link), ``import`` (CSV/XLSX import)."""
    token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    token_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    token_encrypted: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The current link token, encrypted with a key derived from the app secret, so the
    consultant can copy it again; look-ups stay by ``token_hash``.  None before it existed."""
    page_reached: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The highest questionnaire page the respondent saved."""
    last_active_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reminder_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Automatic reminders sent (``services/reminders.py``); ``reminded_at`` is the last
    e-mail of either kind, manual or automatic."""
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """Last time one of the respondent's answers or comments changed (results summaries
    compare it to tell whether stored scores are still current)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    assessment: Mapped[Assessment] = relationship(back_populates="respondents")


class Answer(WorkspaceScoped, Base):
    """One saved answer; one row per (respondent, question), updated in place."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("respondent_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Not indexed on its own: answers are always reached through their respondent, and an
    # index on the workspace alone led SQLite to scan every answer of the workspace for one
    # assessment's results (see docs/scale.md).
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    respondent_id: Mapped[int] = mapped_column(
        ForeignKey("respondent.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))
    value_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    value_number: Mapped[float | None] = mapped_column(Float, nullable=True)
    source: Mapped[str] = mapped_column(
        String(10), default="respondent", server_default="respondent"
    )
    """``respondent`` (typed or chosen), ``crm`` (pre-filled from CRM data, kept), ``import``."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ElementComment(WorkspaceScoped, Base):
    """A respondent's free comment on one element, in the language it was written in."""

    __tablename__ = "element_comment"
    __table_args__ = (UniqueConstraint("respondent_id", "element_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Reached through the respondent only, like answers (no index on the workspace alone).
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    respondent_id: Mapped[int] = mapped_column(
        ForeignKey("respondent.id", ondelete="CASCADE"), index=True
    )
    element_id: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(10), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReportJob(WorkspaceScoped, Base):
    """A PDF report rendered off the request path."""

    __tablename__ = "report_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(10), default="en")
    status: Mapped[str] = mapped_column(String(12), default="queued")
    error: Mapped[str] = mapped_column(Text, default="")
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    guest_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("share_link.id", ondelete="SET NULL"), nullable=True, index=True
    )
    """The share link whose guest asked for this report: rendered with the guest's rules
    (comments withheld under the minimum group size) and downloadable by that client's
    guests only.  None: a member's report."""
    edition: Mapped[str] = mapped_column(String(20), default="full", server_default="full")
    fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """What the PDF was rendered from (``services/report_cache.py``): a finished job with
    the current fingerprint is served again instead of rendering the same PDF."""
    size_band: Mapped[str] = mapped_column(String(10), default="", server_default="")
    """How many respondents answered, as a band (render times are measured per band)."""
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    team: Mapped[str] = mapped_column(String(100), default="", server_default="")
    """A team report: that team against the organization ("" for the whole report)."""


class ReportTiming(Base):
    """How long a finished render took: the history behind the progress page's estimate.

    Not workspace data (no id, name or content of anyone's assessment, only an edition, a
    size band and seconds); the newest rows per edition and band are kept.
    """

    __tablename__ = "report_timing"
    __table_args__ = (Index("ix_report_timing_edition_size_band", "edition", "size_band", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition: Mapped[str] = mapped_column(String(20))
    size_band: Mapped[str] = mapped_column(String(10))
    seconds: Mapped[float] = mapped_column(Float)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CrmEvidence(WorkspaceScoped, Base):
    """KPIs computed from a client's CRM opportunity export, attached to an assessment.

    The newest row of an assessment is the evidence in use; older rows are its history.
    """

    __tablename__ = "crm_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255), default="")
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    quota: Mapped[float | None] = mapped_column(Float, nullable=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Column mapping and stage probabilities the figures were computed with."""
    kpis: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """The computed figures (the ``crm-kpis --json`` shape)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VersionMapping(WorkspaceScoped, Base):
    """How question and element ids of one questionnaire version map onto another's."""

    __tablename__ = "version_mapping"
    __table_args__ = (UniqueConstraint("workspace_id", "from_version_id", "to_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="CASCADE")
    )
    to_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="CASCADE")
    )
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(WorkspaceScoped, Base):
    """A bearer token for the read-only JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_token"
    __table_args__ = (
        UniqueConstraint("token_hash"),
        UniqueConstraint("workspace_id", "form_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64))
    prefix: Mapped[str] = mapped_column(String(12))
    """The first characters of the token, shown so people can tell tokens apart."""
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    form_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The one-time key of the form that created the token: a form sent twice (reload,
    double click, parallel requests) creates one token, enforced by a unique constraint."""


class ShareLink(WorkspaceScoped, Base):
    """Read-only guest access to one client's closed results and reports (docs/privacy.md).

    Only the SHA-256 of the link's token and a scrypt hash of its password are stored.
    """

    __tablename__ = "share_link"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    """Who the link is for, as the consultant wrote it."""
    token_hash: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class MemberInvitation(WorkspaceScoped, Base):
    """An invitation to join a workspace; the invitee sets their own password.

    Only the SHA-256 of the invitation's token is stored.
    """

    __tablename__ = "member_invitation"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[MemberRole] = mapped_column(Enum(MemberRole, native_enum=False, length=20))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class MfaRecoveryCode(Base):
    """A one-time recovery code of a user's second factor; only its SHA-256 is stored."""

    __tablename__ = "mfa_recovery_code"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AuditEntry(WorkspaceScoped, Base):
    """One security-relevant event: who, when, from where, what. Append-only.

    ``actor_id`` is a plain number, not a foreign key: removing a member must not rewrite
    the history of what they did (``actor_label`` keeps who they were).  The product has no
    path that changes or deletes an entry (see :mod:`assessment.services.audit`).
    """

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    event: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(45), default="")


class OrganizationFact(WorkspaceScoped, Base):
    """A KPI value a consultant knows about the client, with where it was taken from.

    Scoring uses it as the one value of its (``number``) question, ahead of the median of
    the respondents' answers and behind a linked CRM figure (``docs/scoring.md``).
    """

    __tablename__ = "organization_fact"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(120))
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300))
    """Where the value was taken from, as the consultant wrote it."""
    note: Mapped[str] = mapped_column(Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AssessmentProfile(WorkspaceScoped, Base):
    """The organization profile of an assessment, entered once by a consultant.

    Not scored: recommendation conditions (``profile(business_type) == distributor``) and
    evidence sentences read it, and the report sizes improvements with it.  The fields are
    those of :mod:`assessment.core.profile`; a column left null was not filled in.
    """

    __tablename__ = "assessment_profile"

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True
    )
    business_type: Mapped[str | None] = mapped_column(String(20), nullable=True)
    sales_headcount: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sales_managers: Mapped[int | None] = mapped_column(Integer, nullable=True)
    revenue_target: Mapped[float | None] = mapped_column(Float, nullable=True)
    avg_deal_size: Mapped[float | None] = mapped_column(Float, nullable=True)
    sales_cycle_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    """ISO 4217 code of the two amounts."""
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResultsSummary(WorkspaceScoped, Base):
    """The headline results of an assessment, stored so lists and the benchmark need no scoring.

    A row is current while ``settings_key`` (questionnaire content, overrides, minimum group
    size) and ``answers_key`` (respondents who answered, their last change, the organization
    facts and CRM evidence) still match.  See :mod:`assessment.services.summaries`.
    """

    __tablename__ = "results_summary"

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True
    )
    settings_key: Mapped[str] = mapped_column(String(64))
    answers_key: Mapped[str] = mapped_column(String(200))
    respondents: Mapped[int] = mapped_column(Integer, default=0)
    """Respondents whose answers or comments were scored."""
    overall: Mapped[float | None] = mapped_column(Float, nullable=True)
    elements: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Element id → score (null when no score)."""
    weights: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Element id → effective weight (after the assessment's overrides)."""
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    """When the answers were read (taken before reading them)."""


class PlanItem(WorkspaceScoped, Base):
    """One item of a client's action plan (``services/plans.py``, ``docs/plans.md``).

    ``assessment_id`` is the round that committed it; an unfinished item is copied into the
    next round when that starts (``carried_from_id`` points back).  The owner is a member
    (``owner_user_id``) or a named person at the client (``owner_name``, ``owner_email``);
    ``owner_role`` is the role the roadmap proposed.
    """

    __tablename__ = "plan_item"
    __table_args__ = (
        Index("ix_plan_item_workspace_id_client_id", "workspace_id", "client_id"),
        Index("ix_plan_item_workspace_id_status_due_date", "workspace_id", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Reached through the workspace and client (index above), never the workspace alone.
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_item.id", ondelete="SET NULL"), nullable=True, index=True
    )
    phase: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    element_id: Mapped[str] = mapped_column(String(120), default="")
    recommendation_id: Mapped[str] = mapped_column(String(120), default="")
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    owner_email: Mapped[str] = mapped_column(String(254), default="")
    owner_role: Mapped[str] = mapped_column(String(40), default="")
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="planned")
    drop_reason: Mapped[str] = mapped_column(Text, default="")
    kpi_question: Mapped[str] = mapped_column(String(120), default="")
    kpi_unit: Mapped[str] = mapped_column(String(40), default="")
    baseline: Mapped[float | None] = mapped_column(Float, nullable=True)
    target: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    reminder_stage: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """The last reminder sent for ``reminded_for``: 0 none, 1 due soon, 2 overdue."""
    reminded_for: Mapped[date | None] = mapped_column(Date, nullable=True)
    """The due date the last reminder was about (a new due date starts again)."""
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    owner_user: Mapped[User | None] = relationship(foreign_keys=[owner_user_id])
    notes: Mapped[list[PlanNote]] = relationship(
        back_populates="item", order_by="PlanNote.id", passive_deletes=True
    )


class PlanNote(WorkspaceScoped, Base):
    """A dated note on a plan item."""

    __tablename__ = "plan_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
    )
    author_label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    item: Mapped[PlanItem] = relationship(back_populates="notes")


@event.listens_for(Session, "after_flush")
def _stamp_answer_changes(session: Session, flush_context: object) -> None:
    """Set ``answered_at`` of every respondent whose scored input was just written.

    That is an answer or comment written, or the respondent's role changed (roles weigh in
    the scores).  Whatever writes them (the respondent's pages, an import, a demo, an edit,
    a test), stored results summaries then see that the scores may have changed.
    ``new``/``dirty``/``deleted`` and attribute histories still hold what this flush wrote.
    """
    changed = {
        obj.respondent_id
        for obj in chain(session.new, session.dirty, session.deleted)
        if isinstance(obj, Answer | ElementComment)
    }
    changed |= {
        obj.id
        for obj in session.dirty
        if isinstance(obj, Respondent) and inspect(obj).attrs.role.history.has_changes()
    }
    if changed:
        # On the connection, not the session: a plain UPDATE inside this flush.
        session.connection().execute(
            update(Respondent)
            .where(Respondent.id.in_(sorted(changed)))
            .values(answered_at=utcnow())
        )
