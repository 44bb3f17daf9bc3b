"""Backfill: jobs with their cursors, the coverage ledger, and archived captures.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
URL = sa.String(length=2048)
ZERO = sa.text("0")


def upgrade() -> None:
    """Three new tables; nothing existing changes."""
    op.create_table(
        "backfill_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("door", sa.String(length=16), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=False),
        sa.Column("requests", sa.Integer(), server_default=ZERO, nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backfill_jobs")),
        sa.UniqueConstraint(
            "source", "door", "window_start", "window_end", name="uq_backfill_jobs_window"
        ),
    )
    op.create_table(
        "coverage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("door", sa.String(length=16), nullable=False),
        sa.Column("listed", sa.Integer(), server_default=ZERO, nullable=False),
        sa.Column("fetched", sa.Integer(), server_default=ZERO, nullable=False),
        sa.Column("on_topic", sa.Integer(), server_default=ZERO, nullable=False),
        sa.Column("added", sa.Integer(), server_default=ZERO, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage")),
        sa.UniqueConstraint("source", "period", "door", name="uq_coverage_source_period_door"),
    )
    op.create_table(
        "archive_captures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("original_url", URL, nullable=False),
        sa.Column("archive_url", URL, nullable=False),
        sa.Column("captured_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_archive_captures_article_id_articles"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_captures")),
    )
    op.create_index(op.f("ix_archive_captures_article_id"), "archive_captures", ["article_id"])


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_index(op.f("ix_archive_captures_article_id"), table_name="archive_captures")
    op.drop_table("archive_captures")
    op.drop_table("coverage")
    op.drop_table("backfill_jobs")
