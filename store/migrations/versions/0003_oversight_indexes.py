"""Indexes the oversight benchmark asked for (bench/results/oversight_queries.md).

- case_projection (cross_county, opened_at, case_id): the list pages along the index
  instead of sorting every cross-county case; it replaces the cross_county index.
- case_county (county, case_id): the county filter without visiting the table.
- matter_projection (overdue, state, case_id): "overdue" reads the few overdue matters
  instead of probing every case.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_case_projection_cross_county", table_name="case_projection")
    op.create_index(
        "ix_case_projection_cross_county_opened",
        "case_projection",
        ["cross_county", "opened_at", "case_id"],
    )
    op.drop_index("ix_case_county_county", table_name="case_county")
    op.create_index("ix_case_county_county_case", "case_county", ["county", "case_id"])
    op.create_index(
        "ix_matter_projection_overdue", "matter_projection", ["overdue", "state", "case_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_matter_projection_overdue", table_name="matter_projection")
    op.drop_index("ix_case_county_county_case", table_name="case_county")
    op.create_index("ix_case_county_county", "case_county", ["county"])
    op.drop_index("ix_case_projection_cross_county_opened", table_name="case_projection")
    op.create_index("ix_case_projection_cross_county", "case_projection", ["cross_county"])
