"""Seen URLs keep what an off-topic rejection rested on: headline, score, missing evidence.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP_INDEX = "ix_seen_urls_status_last_seen_at"


def upgrade() -> None:
    """Three nullable columns and an index serving "recent rejections"."""
    op.add_column("seen_urls", sa.Column("headline", sa.Text(), nullable=True))
    op.add_column("seen_urls", sa.Column("topic_score", sa.Float(), nullable=True))
    op.add_column("seen_urls", sa.Column("topic_missing", sa.Text(), nullable=True))
    op.create_index(TIMESTAMP_INDEX, "seen_urls", ["status", "last_seen_at"])


def downgrade() -> None:
    """Drop the index and the columns (batch mode: SQLite cannot drop columns in place)."""
    op.drop_index(TIMESTAMP_INDEX, table_name="seen_urls")
    with op.batch_alter_table("seen_urls") as batch:
        batch.drop_column("topic_missing")
        batch.drop_column("topic_score")
        batch.drop_column("headline")
