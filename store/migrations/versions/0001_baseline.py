"""The schema as it stood before migrations: each table only if it is missing.

Databases made by ``create_all`` before Alembic arrived (and before the outbox table)
come through this revision unharmed; a new database gets everything.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "case_projection" not in existing:
        op.create_table(
            "case_projection",
            sa.Column("case_id", sa.String(length=40), nullable=False),
            sa.Column("workflow_id", sa.String(length=200), nullable=False),
            sa.Column("jurisdiction", sa.String(length=8), nullable=False),
            sa.Column("park", sa.String(length=60), nullable=False),
            sa.Column("enterprise_name", sa.String(length=100), nullable=False),
            sa.Column("uscc", sa.String(length=18), nullable=False),
            sa.Column("project_name", sa.String(length=200), nullable=False),
            sa.Column("stage", sa.String(length=30), nullable=False),
            sa.Column("agent_name", sa.String(length=50), nullable=True),
            sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("entrustment_end", sa.Date(), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("case_id"),
        )
        op.create_index(
            op.f("ix_case_projection_jurisdiction"),
            "case_projection",
            ["jurisdiction"],
            unique=False,
        )
        op.create_index(op.f("ix_case_projection_park"), "case_projection", ["park"], unique=False)
        op.create_index(
            "ix_case_projection_stage_opened",
            "case_projection",
            ["stage", "opened_at"],
            unique=False,
        )
        op.create_index(op.f("ix_case_projection_uscc"), "case_projection", ["uscc"], unique=False)
    if "case_sequence" not in existing:
        op.create_table(
            "case_sequence",
            sa.Column("jurisdiction", sa.String(length=8), nullable=False),
            sa.Column("year", sa.Integer(), nullable=False),
            sa.Column("last", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("jurisdiction", "year"),
        )
    if "ledger_entry" not in existing:
        op.create_table(
            "ledger_entry",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("key", sa.String(length=300), nullable=False),
            sa.Column("case_id", sa.String(length=40), nullable=False),
            sa.Column("workflow_id", sa.String(length=200), nullable=False),
            sa.Column("event", sa.String(length=40), nullable=False),
            sa.Column("matter", sa.String(length=60), nullable=True),
            sa.Column("actor_id", sa.String(length=64), nullable=False),
            sa.Column("actor_role", sa.String(length=20), nullable=False),
            sa.Column("actor_department", sa.String(length=60), nullable=True),
            sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("summary", sa.String(), nullable=False),
            sa.Column("details", sa.JSON(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("key", name="uq_ledger_entry_key"),
        )
        op.create_index(op.f("ix_ledger_entry_case_id"), "ledger_entry", ["case_id"], unique=False)
        op.create_index(op.f("ix_ledger_entry_event"), "ledger_entry", ["event"], unique=False)
    if "matter_projection" not in existing:
        op.create_table(
            "matter_projection",
            sa.Column("case_id", sa.String(length=40), nullable=False),
            sa.Column("code", sa.String(length=60), nullable=False),
            sa.Column("name", sa.String(length=100), nullable=False),
            sa.Column("department", sa.String(length=60), nullable=False),
            sa.Column("department_name", sa.String(length=100), nullable=False),
            sa.Column("state", sa.String(length=30), nullable=False),
            sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("planned_finish", sa.Date(), nullable=True),
            sa.Column("result_reference", sa.String(length=100), nullable=True),
            sa.Column("open_correction", sa.JSON(), nullable=False),
            sa.Column("correction_count", sa.Integer(), nullable=False),
            sa.Column("due_on", sa.Date(), nullable=True),
            sa.Column("clock_paused", sa.Boolean(), nullable=False),
            sa.Column("deadline_provisional", sa.Boolean(), nullable=False),
            sa.Column("warned", sa.Boolean(), nullable=False),
            sa.Column("overdue", sa.Boolean(), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("case_id", "code"),
        )
        op.create_index(
            op.f("ix_matter_projection_due_on"), "matter_projection", ["due_on"], unique=False
        )
        op.create_index(
            "ix_matter_projection_inbox", "matter_projection", ["department", "state"], unique=False
        )
    if "notification" not in existing:
        op.create_table(
            "notification",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("key", sa.String(length=320), nullable=False),
            sa.Column("case_id", sa.String(length=40), nullable=False),
            sa.Column("event", sa.String(length=40), nullable=False),
            sa.Column("recipient", sa.String(length=30), nullable=False),
            sa.Column("address", sa.String(length=64), nullable=False),
            sa.Column("message", sa.String(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("key"),
        )
        op.create_index(op.f("ix_notification_address"), "notification", ["address"], unique=False)
        op.create_index(op.f("ix_notification_case_id"), "notification", ["case_id"], unique=False)
    if "notification_delivery" not in existing:
        op.create_table(
            "notification_delivery",
            sa.Column("notification_id", sa.Integer(), nullable=False),
            sa.Column("status", sa.String(length=10), nullable=False),
            sa.Column("attempts", sa.Integer(), nullable=False),
            sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("channel", sa.String(length=20), nullable=True),
            sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("last_error", sa.String(length=500), nullable=True),
            sa.ForeignKeyConstraint(
                ["notification_id"],
                ["notification.id"],
            ),
            sa.PrimaryKeyConstraint("notification_id"),
        )
        op.create_index(
            "ix_notification_delivery_due",
            "notification_delivery",
            ["status", "next_attempt_at"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("notification_delivery")
    op.drop_table("notification")
    op.drop_table("matter_projection")
    op.drop_table("ledger_entry")
    op.drop_table("case_sequence")
    op.drop_table("case_projection")
