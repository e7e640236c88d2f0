"""Work items: every running clock of a case (deadline, 48-hour coordination, 24-hour
签收, 容缺 supply, report, 回访, 整改, budget) as a row, for the work lists.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from store.tables import UtcDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "work_item",
        sa.Column("case_id", sa.String(length=40), primary_key=True),
        sa.Column("kind", sa.String(length=30), primary_key=True),
        sa.Column("matter", sa.String(length=60), primary_key=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("owner", sa.String(length=20), nullable=False),
        sa.Column("jurisdiction", sa.String(length=10), nullable=False),
        sa.Column("park", sa.String(length=60), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("cross_county", sa.Boolean(), nullable=False),
        sa.Column("department", sa.String(length=60), nullable=False),
        sa.Column("department_name", sa.String(length=100), nullable=False),
        sa.Column("matter_name", sa.String(length=100), nullable=False),
        sa.Column("enterprise_name", sa.String(length=200), nullable=False),
        sa.Column("project_name", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("due_at", UtcDateTime(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("warn_at", UtcDateTime(), nullable=True),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_work_item_open_due", "work_item", ["closed_at", "due_at"])
    op.create_index("ix_work_item_department", "work_item", ["department", "closed_at", "due_at"])
    op.create_index(
        "ix_work_item_scope", "work_item", ["jurisdiction", "park", "closed_at", "due_at"]
    )


def downgrade() -> None:
    op.drop_table("work_item")
