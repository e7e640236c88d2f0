"""Documents: each version of a material's or a result's file, its SHA-256 and who sent it
(the bytes are in storage, by that hash).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from store.tables import UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document",
        sa.Column("id", sa.String(length=16), primary_key=True),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("matter", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("material", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=120), nullable=False),
        sa.Column("document_type", sa.String(length=10), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_role", sa.String(length=20), nullable=False),
        sa.Column("uploaded_at", UtcDateTime(), nullable=False),
        sa.Column("superseded_at", UtcDateTime(), nullable=True),
        sa.Column("superseded_by", sa.String(length=16), nullable=True),
        sa.Column("result_reference", sa.String(length=100), nullable=True),
        sa.Column("upload_key", sa.String(length=200), nullable=True),
        sa.UniqueConstraint(
            "case_id", "matter", "kind", "material", "version", name="uq_document_version"
        ),
        sa.UniqueConstraint("upload_key", name="uq_document_upload_key"),
    )
    op.create_index("ix_document_case_matter", "document", ["case_id", "matter"])
    op.create_index("ix_document_sha256", "document", ["sha256"])


def downgrade() -> None:
    op.drop_table("document")
