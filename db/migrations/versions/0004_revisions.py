"""Re-check queue and recorded revisions of stored articles.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Two new tables; existing articles are not queued (they were fetched long ago)."""
    op.create_table(
        "rechecks",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("due_at", TIMESTAMP, nullable=False),
        sa.Column("etag", sa.String(length=256), nullable=True),
        sa.Column("last_modified", sa.String(length=128), nullable=True),
        sa.Column("checked_at", TIMESTAMP, nullable=True),
        sa.Column("failures", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_rechecks_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_rechecks")),
    )
    op.create_index("ix_rechecks_due_at", "rechecks", ["due_at"])
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("detected_at", TIMESTAMP, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("headline_old", sa.Text(), nullable=True),
        sa.Column("headline_new", sa.Text(), nullable=True),
        sa.Column("lines_added", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("lines_removed", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("tokens_changed", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("text_path", sa.String(length=1024), nullable=True),
        sa.Column("replaced_file", sa.String(length=255), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_revisions_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revisions")),
    )
    op.create_index("ix_revisions_detected_at", "revisions", ["detected_at"])
    op.create_index(op.f("ix_revisions_article_id"), "revisions", ["article_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_revisions_article_id"), table_name="revisions")
    op.drop_index("ix_revisions_detected_at", table_name="revisions")
    op.drop_table("revisions")
    op.drop_index("ix_rechecks_due_at", table_name="rechecks")
    op.drop_table("rechecks")
