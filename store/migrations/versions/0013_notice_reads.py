"""Notices read: who has read which notice, for the message centre's unread count.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from store.tables import UtcDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notice_read",
        sa.Column(
            "notification_id",
            sa.Integer(),
            sa.ForeignKey("notification.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("reader", sa.String(length=64), primary_key=True),
        sa.Column("read_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_notice_read_reader", "notice_read", ["reader", "notification_id"])


def downgrade() -> None:
    op.drop_table("notice_read")
