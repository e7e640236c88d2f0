"""When a matter's latest 补正 was asked, on its projection row: 补正材料 attaches the
material versions uploaded since, and read it by querying the case's workflow before.

Rows written before this revision keep NULL until their matter's next ledger write; the
route asks the workflow for those (the ledger entry's time is not the same instant, so
it cannot fill them here).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from store.tables import UtcDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("matter_projection") as table:
        table.add_column(sa.Column("correction_requested_at", UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("matter_projection") as table:
        table.drop_column("correction_requested_at")
