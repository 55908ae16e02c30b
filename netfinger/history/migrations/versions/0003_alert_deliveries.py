"""Alert deliveries: one row per destination per alerted sweep, sent or failed (``--alert``).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sweep_id", sa.Integer, sa.ForeignKey("sweeps.id", ondelete="CASCADE"), nullable=False),
        sa.Column("previous_id", sa.Integer, nullable=False),
        sa.Column("site", sa.Text, nullable=False, server_default="default"),
        sa.Column("recorded", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("ok", sa.Integer, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("hosts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("alert_deliveries_by_sweep", "alert_deliveries", ["sweep_id"])
    op.create_index("alert_deliveries_by_site", "alert_deliveries", ["site", "id"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 3")


def downgrade() -> None:
    raise NotImplementedError("netfinger history migrations only go forward; restore a backup instead")
