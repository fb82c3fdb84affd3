"""report jobs: edition, fingerprint, size band, start time; render-time history

Revision ID: e5f8b2d0c4a6
Revises: d4e7a1c9b3f2
Create Date: 2026-12-19 12:00:00

- ``report_job.fingerprint``: what a finished PDF was rendered from; a request whose
  fingerprint matches a finished job is served that PDF instead of a new render;
- ``report_job.edition`` (``full``; a ``board`` edition may follow), ``size_band`` and
  ``started_at``;
- ``report_timing``: how long recent renders took per edition and size band (the progress
  page's estimate).  No workspace data.

Jobs finished before this revision have no fingerprint and are never served from the cache.
"""

import sqlalchemy as sa
from alembic import op

import assessment.db.base

revision = "e5f8b2d0c4a6"
down_revision = "d4e7a1c9b3f2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("report_job", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("edition", sa.String(length=20), server_default="full", nullable=False)
        )
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("size_band", sa.String(length=10), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("started_at", assessment.db.base.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "report_timing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition", sa.String(length=20), nullable=False),
        sa.Column("size_band", sa.String(length=10), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("finished_at", assessment.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_timing")),
    )
    with op.batch_alter_table("report_timing", schema=None) as batch_op:
        batch_op.create_index(
            "ix_report_timing_edition_size_band", ["edition", "size_band", "id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("report_timing", schema=None) as batch_op:
        batch_op.drop_index("ix_report_timing_edition_size_band")
    op.drop_table("report_timing")
    with op.batch_alter_table("report_job", schema=None) as batch_op:
        batch_op.drop_column("started_at")
        batch_op.drop_column("size_band")
        batch_op.drop_column("fingerprint")
        batch_op.drop_column("edition")
