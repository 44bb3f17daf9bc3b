"""Initial schema: articles, seen URLs, crawl runs and fetch state.

Revision ID: 0001
Revises:
Create Date: 2025-01-01 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Migrations are frozen: plain column types here, never the models' Python types.
TIMESTAMP = sa.DateTime(timezone=True)
URL = sa.String(length=2048)
ZERO = sa.text("0")


def upgrade() -> None:
    """Create the four tables."""
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("url", URL, nullable=True),
        sa.Column("canonical_url", URL, nullable=True),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.Column("published_at", TIMESTAMP, nullable=True),
        sa.Column("fetched_at", TIMESTAMP, nullable=False),
        sa.Column("indexed_at", TIMESTAMP, nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("missing", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_articles_content_hash")),
        sa.UniqueConstraint("file_name", name=op.f("uq_articles_file_name")),
        sa.UniqueConstraint("seq", name=op.f("uq_articles_seq")),
    )
    op.create_index(op.f("ix_articles_canonical_url"), "articles", ["canonical_url"])
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("discovered", sa.Integer(), server_default=ZERO, nullable=False),
        sa.Column("fetched", sa.Integer(), server_default=ZERO, nullable=False),
        sa.Column("on_topic", sa.Integer(), server_default=ZERO, nullable=False),
        sa.Column("duplicates", sa.Integer(), server_default=ZERO, nullable=False),
        sa.Column("added", sa.Integer(), server_default=ZERO, nullable=False),
        sa.Column("errors", sa.Integer(), server_default=ZERO, nullable=False),
        sa.Column("error_reason", sa.Text(), nullable=True),
        sa.Column("added_files", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
    )
    op.create_index("ix_crawl_runs_source_started_at", "crawl_runs", ["source", "started_at"])
    op.create_table(
        "fetch_state",
        sa.Column("url", URL, nullable=False),
        sa.Column("etag", sa.String(length=256), nullable=True),
        sa.Column("last_modified", sa.String(length=128), nullable=True),
        sa.Column("checked_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("url", name=op.f("pk_fetch_state")),
    )
    op.create_table(
        "seen_urls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canonical_url", URL, nullable=False),
        sa.Column("url", URL, nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("duplicate_of", sa.String(length=255), nullable=True),
        sa.Column("similarity", sa.Float(), nullable=True),
        sa.Column("first_seen_at", TIMESTAMP, nullable=False),
        sa.Column("last_seen_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_seen_urls_article_id_articles"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seen_urls")),
        sa.UniqueConstraint("canonical_url", name=op.f("uq_seen_urls_canonical_url")),
    )


def downgrade() -> None:
    """Drop the four tables."""
    op.drop_table("seen_urls")
    op.drop_table("fetch_state")
    op.drop_index("ix_crawl_runs_source_started_at", table_name="crawl_runs")
    op.drop_table("crawl_runs")
    op.drop_index(op.f("ix_articles_canonical_url"), table_name="articles")
    op.drop_table("articles")
