"""workspace retention settings (identities, generated files, audit entries)

Revision ID: c3d9e5f1a2b7
Revises: c3a9d5e7f1b2
Create Date: 2026-12-08 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c3d9e5f1a2b7"
down_revision = "c3a9d5e7f1b2"
branch_labels = None
depends_on = None

COLUMNS = ("retain_identities_days", "retain_files_days", "retain_audit_days")


def upgrade():
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("workspace", schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
