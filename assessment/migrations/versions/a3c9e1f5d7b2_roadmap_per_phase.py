"""roadmap per phase: at most this many initiatives in each 30/60/90-day phase, per assessment

Revision ID: a3c9e1f5d7b2
Revises: f7a2c4e9b1d3
Create Date: 2026-12-05 20:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a3c9e1f5d7b2"
down_revision = "f7a2c4e9b1d3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.add_column(
            sa.Column("roadmap_per_phase", sa.Integer(), nullable=False, server_default="3")
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment") as batch:
        batch.drop_column("roadmap_per_phase")
