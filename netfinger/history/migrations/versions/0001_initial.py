"""The original history layout (netfinger 0.1, ``PRAGMA user_version = 1``).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sweeps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("started", sa.Text, nullable=False),
        sa.Column("ended", sa.Text, nullable=False),
        sa.Column("recorded", sa.Text, nullable=False),
        sa.Column("targets", sa.Text, nullable=False),
        sa.Column("hosts", sa.Integer, nullable=False),
        sa.Column("banned", sa.Integer, nullable=False),
        sa.Column("vulnerable", sa.Integer, nullable=False),
        sa.Column("interrupted", sa.Integer, nullable=False),
        sa.Column("report", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "sweep_hosts",
        sa.Column("sweep_id", sa.Integer, sa.ForeignKey("sweeps.id", ondelete="CASCADE"), nullable=False),
        sa.Column("identity", sa.Text, nullable=False),
        sa.Column("ip", sa.Text),
        sa.Column("mac", sa.Text),
        sa.Column("manufacturer", sa.Text),
        sa.Column("brand", sa.Text),
        sa.Column("model", sa.Text),
        sa.Column("firmware", sa.Text),
        sa.Column("banned", sa.Integer, nullable=False),
        sa.Column("vulnerabilities", sa.Text, nullable=False),
    )
    op.create_index("sweep_hosts_by_sweep", "sweep_hosts", ["sweep_id"])
    op.create_index("sweep_hosts_by_identity", "sweep_hosts", ["identity"])


def downgrade() -> None:
    op.drop_table("sweep_hosts")
    op.drop_table("sweeps")
