"""api token form key (one token per submitted form); who requested each report job

Revision ID: b7e1c2d4a9f0
Revises: 4624f8943103
Create Date: 2026-12-05 13:55:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b7e1c2d4a9f0"
down_revision = "4624f8943103"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("form_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_api_token_workspace_id_form_key"), ["workspace_id", "form_key"]
        )
    with op.batch_alter_table("report_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requested_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_report_job_requested_by_id_user_account"),
            "user_account",
            ["requested_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("report_job", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_report_job_requested_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("requested_by_id")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_api_token_workspace_id_form_key"), type_="unique")
        batch_op.drop_column("form_key")
