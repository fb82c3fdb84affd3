"""assessment profile: the organization profile a consultant enters per assessment

Revision ID: e5b1c7d3a9f2
Revises: d4e8a1c6b3f2
Create Date: 2027-01-20 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

import assessment.db.base

# revision identifiers, used by Alembic.
revision = "e5b1c7d3a9f2"
down_revision = "d4e8a1c6b3f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "assessment_profile",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("business_type", sa.String(length=20), nullable=True),
        sa.Column("sales_headcount", sa.Integer(), nullable=True),
        sa.Column("sales_managers", sa.Integer(), nullable=True),
        sa.Column("revenue_target", sa.Float(), nullable=True),
        sa.Column("avg_deal_size", sa.Float(), nullable=True),
        sa.Column("sales_cycle_days", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("entered_at", assessment.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_assessment_profile_assessment_id_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["user_account.id"],
            name=op.f("fk_assessment_profile_entered_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_assessment_profile_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assessment_id", name=op.f("pk_assessment_profile")),
    )
    with op.batch_alter_table("assessment_profile", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_profile_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("assessment_profile", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_profile_workspace_id"))
    op.drop_table("assessment_profile")
