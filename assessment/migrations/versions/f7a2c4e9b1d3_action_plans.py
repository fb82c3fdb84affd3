"""action plans: plan items with owners, due dates and KPI watch; dated notes; client rhythm

Revision ID: f7a2c4e9b1d3
Revises: e5f1a7c3b9d2
Create Date: 2026-12-21 10:00:00

- ``plan_item``: one item of a client's action plan, committed by one assessment (round);
  owner (member or named person at the client, or the roadmap's proposed role), due date,
  status with the reason for dropping, the KPI watched with baseline and target, the item it
  continues (carried over from an earlier round) and the state of its e-mail reminders;
- ``plan_note``: dated notes on an item;
- ``client.reassess_months`` (re-assessment cadence) and ``client.plan_reminders``.
"""

import sqlalchemy as sa
from alembic import op

import assessment.db.base

revision = "f7a2c4e9b1d3"
down_revision = "e5f1a7c3b9d2"
branch_labels = None
depends_on = None


def _when(name, nullable):
    return sa.Column(name, assessment.db.base.UTCDateTime(timezone=True), nullable=nullable)


def _fk(table, column, target, ondelete):
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade():
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reassess_months", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("plan_reminders", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "plan_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("carried_from_id", sa.Integer(), nullable=True),
        sa.Column("phase", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("element_id", sa.String(length=120), nullable=False),
        sa.Column("recommendation_id", sa.String(length=120), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("owner_name", sa.String(length=200), nullable=False),
        sa.Column("owner_email", sa.String(length=254), nullable=False),
        sa.Column("owner_role", sa.String(length=40), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("drop_reason", sa.Text(), nullable=False),
        sa.Column("kpi_question", sa.String(length=120), nullable=False),
        sa.Column("kpi_unit", sa.String(length=40), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _when("created_at", False),
        _when("updated_at", False),
        sa.Column("reminder_stage", sa.Integer(), server_default="0", nullable=False),
        sa.Column("reminded_for", sa.Date(), nullable=True),
        _when("reminded_at", True),
        _fk("plan_item", "workspace_id", "workspace", "CASCADE"),
        _fk("plan_item", "client_id", "client", "CASCADE"),
        _fk("plan_item", "assessment_id", "assessment", "CASCADE"),
        _fk("plan_item", "carried_from_id", "plan_item", "SET NULL"),
        _fk("plan_item", "owner_user_id", "user_account", "SET NULL"),
        _fk("plan_item", "created_by_id", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_item")),
    )
    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_item_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_plan_item_carried_from_id"), ["carried_from_id"], unique=False
        )
        batch_op.create_index(
            "ix_plan_item_workspace_id_client_id", ["workspace_id", "client_id"], unique=False
        )
        batch_op.create_index(
            "ix_plan_item_workspace_id_status_due_date",
            ["workspace_id", "status", "due_date"],
            unique=False,
        )
    op.create_table(
        "plan_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sa.String(length=200), nullable=False),
        _when("created_at", False),
        _fk("plan_note", "workspace_id", "workspace", "CASCADE"),
        _fk("plan_note", "item_id", "plan_item", "CASCADE"),
        _fk("plan_note", "author_id", "user_account", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_note")),
    )
    with op.batch_alter_table("plan_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_note_item_id"), ["item_id"], unique=False)


def downgrade():
    with op.batch_alter_table("plan_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_note_item_id"))
    op.drop_table("plan_note")
    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_item_workspace_id_status_due_date")
        batch_op.drop_index("ix_plan_item_workspace_id_client_id")
        batch_op.drop_index(batch_op.f("ix_plan_item_carried_from_id"))
        batch_op.drop_index(batch_op.f("ix_plan_item_assessment_id"))
    op.drop_table("plan_item")
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_column("plan_reminders")
        batch_op.drop_column("reassess_months")
