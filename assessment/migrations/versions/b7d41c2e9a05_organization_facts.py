"""organization facts: KPI values a consultant enters per assessment

Revision ID: b7d41c2e9a05
Revises: c3a8f1e6d2b4
Create Date: 2026-12-05 14:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

import assessment.db.base

# revision identifiers, used by Alembic.
revision = "b7d41c2e9a05"
down_revision = "c3a8f1e6d2b4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "organization_fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=120), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("entered_at", assessment.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_organization_fact_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["user_account.id"],
            name=op.f("fk_organization_fact_entered_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_organization_fact_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization_fact")),
        sa.UniqueConstraint(
            "assessment_id",
            "question_id",
            name=op.f("uq_organization_fact_assessment_id"),
        ),
    )
    with op.batch_alter_table("organization_fact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organization_fact_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_organization_fact_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("organization_fact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organization_fact_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_organization_fact_assessment_id"))
    op.drop_table("organization_fact")
