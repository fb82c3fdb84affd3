"""respondent region and segment; team reports

Revision ID: e5f1a7c3b9d2
Revises: e5f8b2d0c4a6
Create Date: 2026-12-12 10:00:00

- ``respondent.region``, ``respondent.segment``: optional, like the team (set on the
  respondent form, by list or CSV import; exported and imported with the other fields);
- ``report_job.team``: a report of one team against the organization ("" for the whole
  report).
"""

import sqlalchemy as sa
from alembic import op

revision = "e5f1a7c3b9d2"
down_revision = "e5f8b2d0c4a6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("respondent", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("region", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("segment", sa.String(length=100), nullable=False, server_default="")
        )
    with op.batch_alter_table("report_job", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("team", sa.String(length=100), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("report_job", schema=None) as batch_op:
        batch_op.drop_column("team")
    with op.batch_alter_table("respondent", schema=None) as batch_op:
        batch_op.drop_column("segment")
        batch_op.drop_column("region")
