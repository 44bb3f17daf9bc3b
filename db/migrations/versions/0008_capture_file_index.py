"""captures: an index on (warc_file, warc_offset), so each WARC file's rows are found at once.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 00:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """`corpus verify` reads each WARC file's indexed offsets by file."""
    op.create_index(
        "ix_captures_warc_file_offset", "captures", ["warc_file", "warc_offset"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_captures_warc_file_offset", table_name="captures")
