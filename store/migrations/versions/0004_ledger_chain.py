"""The ledger's hash chain: prev_hash and entry_hash on every entry, and the chain's head.

Entries written before this revision are chained here, in the order they were written,
so the whole ledger verifies from its first entry.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from store.chain import GENESIS, entry_hash
from store.tables import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_entry") as table:
        table.add_column(
            sa.Column("prev_hash", sa.String(length=64), nullable=False, server_default="")
        )
        table.add_column(
            sa.Column("entry_hash", sa.String(length=64), nullable=False, server_default="")
        )
    op.create_table(
        "ledger_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_entry_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # The columns as they stand at this revision, not the model as it may grow later.
    entries = sa.table(
        "ledger_entry",
        *(
            sa.column(name)
            for name in (
                "id",
                "key",
                "case_id",
                "workflow_id",
                "event",
                "matter",
                "actor_id",
                "actor_role",
                "actor_department",
                "summary",
                "prev_hash",
                "entry_hash",
            )
        ),
        sa.column("occurred_at", UtcDateTime()),
        sa.column("recorded_at", UtcDateTime()),
        sa.column("details", sa.JSON()),
    )
    connection = op.get_bind()
    previous, count, last_id = GENESIS, 0, 0
    for row in connection.execute(sa.select(entries).order_by(entries.c.id)).all():
        digest = entry_hash(row, previous)
        connection.execute(
            entries.update()
            .where(entries.c.id == row.id)
            .values(prev_hash=previous, entry_hash=digest)
        )
        previous, count, last_id = digest, count + 1, row.id
    head = sa.table(
        "ledger_head",
        sa.column("id"),
        sa.column("last_entry_id"),
        sa.column("last_hash"),
        sa.column("entries"),
    )
    connection.execute(
        head.insert().values(id=1, last_entry_id=last_id, last_hash=previous, entries=count)
    )


def downgrade() -> None:
    op.drop_table("ledger_head")
    with op.batch_alter_table("ledger_entry") as table:
        table.drop_column("entry_hash")
        table.drop_column("prev_hash")
