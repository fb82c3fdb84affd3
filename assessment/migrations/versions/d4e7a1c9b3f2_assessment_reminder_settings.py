"""assessment: automatic reminder settings (days without an answer, most reminders)

Revision ID: d4e7a1c9b3f2
Revises: e5b1c7d3a9f2
Create Date: 2026-12-19 10:00:00

``respondent.reminder_count`` and ``respondent.reminded_at`` exist already (the last
reminder of either kind); the schedule is set per assessment.  Existing assessments get the
defaults: a reminder after 5 days without an answer, at most 2.
"""

import sqlalchemy as sa
from alembic import op

revision = "d4e7a1c9b3f2"
down_revision = "e5b1c7d3a9f2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminder_after_days", sa.Integer(), server_default="5", nullable=False)
        )
        batch_op.add_column(
            sa.Column("reminder_max", sa.Integer(), server_default="2", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_column("reminder_max")
        batch_op.drop_column("reminder_after_days")
