"""WARC captures: their index, corpus files replaced under their number, ingest cursors.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
URL = sa.String(length=2048)


def upgrade() -> None:
    """Three new tables; no existing row changes."""
    op.create_table(
        "captures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", URL, nullable=False),
        sa.Column("canonical_url", URL, nullable=True),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("warc_file", sa.String(length=255), nullable=False),
        sa.Column("warc_offset", sa.BigInteger(), nullable=False),
        sa.Column("warc_length", sa.BigInteger(), nullable=False),
        sa.Column("payload_digest", sa.String(length=64), nullable=False),
        sa.Column("captured_at", TIMESTAMP, nullable=False),
        sa.Column("decision", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("article_seq", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_captures")),
    )
    op.create_index(op.f("ix_captures_canonical_url"), "captures", ["canonical_url"])
    op.create_index(op.f("ix_captures_article_seq"), "captures", ["article_seq"])
    op.create_table(
        "corpus_renames",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("old_file_name", sa.String(length=255), nullable=False),
        sa.Column("new_file_name", sa.String(length=255), nullable=False),
        sa.Column("old_hash", sa.String(length=64), nullable=False),
        sa.Column("new_hash", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("run", sa.String(length=32), nullable=True),
        sa.Column("renamed_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corpus_renames")),
    )
    op.create_index(op.f("ix_corpus_renames_seq"), "corpus_renames", ["seq"])
    op.create_index(op.f("ix_corpus_renames_run"), "corpus_renames", ["run"])
    op.create_table(
        "ingest_cursors",
        sa.Column("path", sa.String(length=1024), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("next_offset", sa.BigInteger(), nullable=False),
        sa.Column("finished", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("path", name=op.f("pk_ingest_cursors")),
    )


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("ingest_cursors")
    op.drop_index(op.f("ix_corpus_renames_run"), table_name="corpus_renames")
    op.drop_index(op.f("ix_corpus_renames_seq"), table_name="corpus_renames")
    op.drop_table("corpus_renames")
    op.drop_index(op.f("ix_captures_article_seq"), table_name="captures")
    op.drop_index(op.f("ix_captures_canonical_url"), table_name="captures")
    op.drop_table("captures")
