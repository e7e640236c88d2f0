"""Accounts that sign in, and the record of every read of enterprise materials.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from store.tables import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=50), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("jurisdiction", sa.String(length=8), nullable=True),
        sa.Column("park", sa.String(length=60), nullable=True),
        sa.Column("department", sa.String(length=60), nullable=True),
        sa.Column("county", sa.String(length=40), nullable=True),
        sa.Column("uscc", sa.String(length=18), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False),
        sa.Column("locked_until", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("username"),
    )
    op.create_index("ix_account_uscc", "account", ["uscc"])
    op.create_table(
        "material_read",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=True),
        sa.Column("matter", sa.String(length=60), nullable=True),
        sa.Column("resource", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("actor_department", sa.String(length=60), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("read_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_material_read_case_id", "material_read", ["case_id"])


def downgrade() -> None:
    op.drop_table("material_read")
    op.drop_index("ix_account_uscc", "account")
    op.drop_table("account")
