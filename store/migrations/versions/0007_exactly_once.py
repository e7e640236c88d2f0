"""Exactly once: a one-time ledger event cannot be written twice; keyed requests have leases.

``ledger_entry.once_key`` is unique (case|matter|group, see domain.ledger.ONE_TIME_EVENTS).
Entries written before it get their key here, in the order they were written: the first of
each group takes it, and a repeat written earlier (the concurrency bug this closes) keeps
NULL, so it stays in the legal record and the chain still verifies. The idempotency claims
gain a lease, an attempt counter and the case number they reserved.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from domain.ledger import LedgerEvent, once_key
from store.tables import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_entry") as table:
        table.add_column(sa.Column("once_key", sa.String(length=200), nullable=True))
    entries = sa.table(
        "ledger_entry",
        *(sa.column(name) for name in ("id", "case_id", "matter", "event", "once_key")),
    )
    connection = op.get_bind()
    taken: set[str] = set()
    rows = connection.execute(
        sa.select(entries.c.id, entries.c.case_id, entries.c.matter, entries.c.event).order_by(
            entries.c.id
        )
    ).all()
    known = {event.value for event in LedgerEvent}
    for row in rows:
        if row.event not in known:
            continue
        once = once_key(row.case_id, row.matter, LedgerEvent(row.event))
        if once is None or once in taken:
            continue
        taken.add(once)
        connection.execute(entries.update().where(entries.c.id == row.id).values(once_key=once))
    with op.batch_alter_table("ledger_entry") as table:
        table.create_unique_constraint("uq_ledger_entry_once", ["once_key"])
    with op.batch_alter_table("idempotent_request") as table:
        table.add_column(sa.Column("lease_until", UtcDateTime(), nullable=True))
        table.add_column(sa.Column("reserved", sa.String(length=200), nullable=True))
        table.add_column(sa.Column("attempt", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("idempotent_request") as table:
        table.drop_column("attempt")
        table.drop_column("reserved")
        table.drop_column("lease_until")
    with op.batch_alter_table("ledger_entry") as table:
        table.drop_constraint("uq_ledger_entry_once", type_="unique")
        table.drop_column("once_key")
