"""respondent: encrypted current link, page reached, last activity, reminders sent

Revision ID: c3a8f1e6d2b4
Revises: c3d9e5f1a2b7
Create Date: 2026-12-12 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c3a8f1e6d2b4"
down_revision = "c3d9e5f1a2b7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("respondent", schema=None) as batch_op:
        # Respondents created before this revision have no encrypted token: their link can
        # only be replaced, never shown again.
        batch_op.add_column(sa.Column("token_encrypted", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("page_reached", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("last_active_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("reminder_count", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("respondent", schema=None) as batch_op:
        batch_op.drop_column("reminder_count")
        batch_op.drop_column("last_active_at")
        batch_op.drop_column("page_reached")
        batch_op.drop_column("token_encrypted")
