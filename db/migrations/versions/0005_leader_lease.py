"""daemon_leader: the daemon that schedules the crawls, its takeover token and running crawls.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

TIMESTAMP = sa.DateTime(timezone=True)

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """One small table; a row appears when a daemon first leads."""
    op.create_table(
        "daemon_leader",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("token", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("holder", sa.String(128), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("boot_id", sa.String(64), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("since", TIMESTAMP, nullable=False),
        sa.Column("children", sa.Text(), server_default="[]", nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_daemon_leader")),
    )


def downgrade() -> None:
    op.drop_table("daemon_leader")
