"""client share links (read-only guest access), member invitations, guest report jobs

Revision ID: d4e8a1c6b3f2
Revises: 3c83f948a830
Create Date: 2026-12-10 10:00:00

- ``share_link``: an expiring, revocable, password-protected link that opens a read-only
  guest session on one client's closed results (token stored as SHA-256, password as scrypt);
- ``member_invitation``: an invitation to join a workspace; the invitee sets their own
  password (token stored as SHA-256);
- ``report_job.guest_link_id``: the share link whose guest requested a report.
"""

import sqlalchemy as sa
from alembic import op

import assessment.db.base

revision = "d4e8a1c6b3f2"
down_revision = "3c83f948a830"
branch_labels = None
depends_on = None


def _when(name, nullable):
    return sa.Column(name, assessment.db.base.UTCDateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        "share_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _when("created_at", False),
        _when("expires_at", False),
        _when("revoked_at", True),
        _when("last_used_at", True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_share_link_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_share_link_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_share_link_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_share_link_token_hash")),
    )
    with op.batch_alter_table("share_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_link_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_share_link_workspace_id"), ["workspace_id"], unique=False
        )
    op.create_table(
        "member_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "OWNER", "CONSULTANT", "VIEWER", name="memberrole", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _when("created_at", False),
        _when("expires_at", False),
        _when("accepted_at", True),
        _when("revoked_at", True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_member_invitation_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_member_invitation_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_member_invitation_token_hash")),
    )
    with op.batch_alter_table("member_invitation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_invitation_workspace_id"), ["workspace_id"], unique=False
        )
    with op.batch_alter_table("report_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guest_link_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_report_job_guest_link_id_share_link"),
            "share_link",
            ["guest_link_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            batch_op.f("ix_report_job_guest_link_id"), ["guest_link_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("report_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_job_guest_link_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_report_job_guest_link_id_share_link"), type_="foreignkey"
        )
        batch_op.drop_column("guest_link_id")
    with op.batch_alter_table("member_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_invitation_workspace_id"))
    op.drop_table("member_invitation")
    with op.batch_alter_table("share_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_link_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_share_link_client_id"))
    op.drop_table("share_link")
