"""Sign-in throttling moves from the account to its own table, keyed by name and address.

The account's failure count and lock let anyone who knew a username lock its owner out,
and were read before they were written (40 concurrent guesses got 74 checks).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from store.tables import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_until", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("account") as table:
        table.drop_column("failed_sign_ins")
        table.drop_column("locked_until")


def downgrade() -> None:
    with op.batch_alter_table("account") as table:
        table.add_column(sa.Column("locked_until", UtcDateTime(), nullable=True))
        table.add_column(
            sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default="0")
        )
    op.drop_table("sign_in_throttle")
