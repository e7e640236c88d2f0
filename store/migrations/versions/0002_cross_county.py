"""Cross-county cases and the oversight view: counties, lead committee, open problems,
satisfaction on the case row; county and 签收 on the matter row; the case-county index.

Rows written before this revision get empty counties; ``python -m ops rebuild-projection``
fills a case's in from its workflow.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_projection") as table:
        table.add_column(
            sa.Column("county", sa.String(length=40), nullable=False, server_default="")
        )
        table.add_column(sa.Column("lead_committee", sa.String(length=60), nullable=True))
        table.add_column(
            sa.Column("cross_county", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        table.add_column(
            sa.Column("open_problems", sa.Integer(), nullable=False, server_default="0")
        )
        table.add_column(sa.Column("satisfaction", sa.String(length=20), nullable=True))
        table.add_column(sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=True))
        table.create_index("ix_case_projection_cross_county", ["cross_county"])
    with op.batch_alter_table("matter_projection") as table:
        table.add_column(
            sa.Column("county", sa.String(length=40), nullable=False, server_default="")
        )
        table.add_column(
            sa.Column("cross_county", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        table.add_column(
            sa.Column("hand_off_acknowledged_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "case_county",
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("county", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "county"),
    )
    op.create_index("ix_case_county_county", "case_county", ["county"])


def downgrade() -> None:
    op.drop_index("ix_case_county_county", table_name="case_county")
    op.drop_table("case_county")
    with op.batch_alter_table("matter_projection") as table:
        for column in ("hand_off_acknowledged_at", "cross_county", "county"):
            table.drop_column(column)
    with op.batch_alter_table("case_projection") as table:
        table.drop_index("ix_case_projection_cross_county")
        for column in (
            "evaluated_at",
            "satisfaction",
            "open_problems",
            "cross_county",
            "lead_committee",
            "county",
        ):
            table.drop_column(column)
