"""Oversight tallies: the statistics' counts kept current by the ledger writes, filled
here from the projection as it stands.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

from store import tally

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oversight_tally",
        sa.Column("figure", sa.String(length=20), primary_key=True),
        sa.Column("cross_county", sa.Boolean(), primary_key=True),
        sa.Column("jurisdiction", sa.String(length=8), primary_key=True),
        sa.Column("k1", sa.String(length=100), primary_key=True),
        sa.Column("k2", sa.String(length=100), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    with Session(op.get_bind()) as session:
        tally.rebuild_in(session)
        session.flush()


def downgrade() -> None:
    op.drop_table("oversight_tally")
