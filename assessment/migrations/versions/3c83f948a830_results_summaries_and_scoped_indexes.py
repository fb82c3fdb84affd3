"""results summaries, respondent answered_at, indexes led by the assessment

Revision ID: 3c83f948a830
Revises: b7d41c2e9a05
Create Date: 2026-12-05 14:00:00

- ``results_summary``: stored overall and element scores per assessment (the dashboard and
  the portfolio benchmark read them instead of scoring every assessment);
- ``respondent.answered_at``: when the respondent's answers last changed, so a summary's
  staleness is one grouped query over respondents, not over answers;
- indexes: the single-column workspace indexes of ``answer`` and ``element_comment`` go (the
  tenant filter made SQLite drive one assessment's results through every answer of the
  workspace); ``respondent`` gets ``(workspace_id, assessment_id)`` in place of
  ``(workspace_id)``.

``answered_at`` of respondents who already answered is set to their newest answer's (or
comment's) change time; summaries are computed by ``db-upgrade``/``serve`` (or on first use).
"""

import sqlalchemy as sa
from alembic import op

import assessment.db.base

# revision identifiers, used by Alembic.
revision = "3c83f948a830"
down_revision = "b7d41c2e9a05"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "results_summary",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("settings_key", sa.String(length=64), nullable=False),
        sa.Column("answers_key", sa.String(length=200), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.Column("overall", sa.Float(), nullable=True),
        sa.Column("elements", sa.JSON(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("computed_at", assessment.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_results_summary_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_results_summary_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assessment_id", name=op.f("pk_results_summary")),
    )
    with op.batch_alter_table("results_summary", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_results_summary_workspace_id"), ["workspace_id"], unique=False
        )

    with op.batch_alter_table("respondent", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("answered_at", assessment.db.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.drop_index(batch_op.f("ix_respondent_workspace_id"))
        batch_op.create_index(
            "ix_respondent_workspace_id_assessment_id",
            ["workspace_id", "assessment_id"],
            unique=False,
        )
    # Respondents who already answered get a change time, so summaries count them.
    op.execute(
        "UPDATE respondent SET answered_at = COALESCE("
        "(SELECT max(answer.updated_at) FROM answer WHERE answer.respondent_id = respondent.id), "
        "(SELECT max(element_comment.updated_at) FROM element_comment "
        "WHERE element_comment.respondent_id = respondent.id))"
    )
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answer_workspace_id"))
    with op.batch_alter_table("element_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_element_comment_workspace_id"))


def downgrade():
    with op.batch_alter_table("element_comment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_element_comment_workspace_id"), ["workspace_id"], unique=False
        )
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_answer_workspace_id"), ["workspace_id"], unique=False)
    with op.batch_alter_table("respondent", schema=None) as batch_op:
        batch_op.drop_index("ix_respondent_workspace_id_assessment_id")
        batch_op.create_index(
            batch_op.f("ix_respondent_workspace_id"), ["workspace_id"], unique=False
        )
        batch_op.drop_column("answered_at")
    with op.batch_alter_table("results_summary", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_results_summary_workspace_id"))
    op.drop_table("results_summary")
