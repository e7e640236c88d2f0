"""Accounts keep a work phone: the 受理通知书 (附件2) prints 受理人及联系方式, a name and a
number, and printed the username for want of either.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account") as table:
        table.add_column(sa.Column("phone", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("account") as table:
        table.drop_column("phone")
