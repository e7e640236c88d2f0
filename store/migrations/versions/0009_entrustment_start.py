"""The projection keeps the entrustment's start: the tracking table's 委托期限 printed the
opening date in its place.

Cases opened before are filled in from their ledger: the 委托书 in the details of each
case's application_received entry.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_projection") as table:
        table.add_column(sa.Column("entrustment_start", sa.Date(), nullable=True))
    entries = sa.table(
        "ledger_entry", sa.column("case_id"), sa.column("event"), sa.column("details", sa.JSON())
    )
    cases = sa.table("case_projection", sa.column("case_id"), sa.column("entrustment_start"))
    connection = op.get_bind()
    received = connection.execute(
        sa.select(entries.c.case_id, entries.c.details).where(
            entries.c.event == "application_received"
        )
    ).all()
    for case_id, details in received:
        start = ((details or {}).get("application") or {}).get("period", {}).get("start")
        if start:
            connection.execute(
                cases.update()
                .where(cases.c.case_id == case_id)
                .values(entrustment_start=date.fromisoformat(start))
            )


def downgrade() -> None:
    with op.batch_alter_table("case_projection") as table:
        table.drop_column("entrustment_start")
