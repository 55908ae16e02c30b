"""Site and sensor on every sweep, a unique sweep uid (idempotent writes), serial and site per host,
and the JSON report moved out of ``sweeps`` into ``sweep_reports`` (listing sweeps must not read it).

Existing sweeps keep their ids and reports: site ``default``, sensor from the report's
``scan.scanner_host``, uid ``legacy-<id>``.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_sweeps = sa.table("sweeps", sa.column("id", sa.Integer), sa.column("report", sa.Text),
                   sa.column("uid", sa.Text), sa.column("sensor", sa.Text))  # fmt: skip


def _scanner_host(report_text: str) -> str:
    try:
        scan = json.loads(report_text).get("scan", {})
    except (ValueError, AttributeError):
        return ""
    host = scan.get("scanner_host", "") if isinstance(scan, dict) else ""
    return host if isinstance(host, str) else ""


def _backfill() -> None:
    conn = op.get_bind()
    ids = [int(r[0]) for r in conn.execute(sa.select(_sweeps.c.id).order_by(_sweeps.c.id))]
    for sweep_id in ids:  # one report at a time: a large history must not be read whole
        text = conn.execute(sa.select(_sweeps.c.report).where(_sweeps.c.id == sweep_id)).scalar_one()
        conn.execute(
            _sweeps.update().where(_sweeps.c.id == sweep_id)
            .values(uid=f"legacy-{sweep_id}", sensor=_scanner_host(str(text)))
        )  # fmt: skip


def upgrade() -> None:
    op.add_column("sweeps", sa.Column("uid", sa.Text, nullable=False, server_default=""))
    op.add_column("sweeps", sa.Column("site", sa.Text, nullable=False, server_default="default"))
    op.add_column("sweeps", sa.Column("sensor", sa.Text, nullable=False, server_default=""))
    op.add_column("sweep_hosts", sa.Column("site", sa.Text, nullable=False, server_default="default"))
    op.add_column("sweep_hosts", sa.Column("serial", sa.Text))
    _backfill()
    op.create_table(
        "sweep_reports",
        sa.Column("sweep_id", sa.Integer, sa.ForeignKey("sweeps.id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
        sa.Column("report", sa.Text, nullable=False),
    )  # fmt: skip
    op.execute("INSERT INTO sweep_reports (sweep_id, report) SELECT id, report FROM sweeps")
    # SQLite >= 3.35 drops a column in place (Python 3.11 on Debian 12 has 3.40).
    op.execute("ALTER TABLE sweeps DROP COLUMN report")
    op.create_index("sweeps_by_uid", "sweeps", ["uid"], unique=True)
    op.create_index("sweeps_by_site", "sweeps", ["site", "id"])
    op.create_index("sweeps_by_started", "sweeps", ["started"])
    op.drop_index("sweep_hosts_by_identity", table_name="sweep_hosts")
    op.create_index("sweep_hosts_by_identity", "sweep_hosts", ["site", "identity"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 2")  # netfinger 0.1 refuses the file instead of misreading it


def downgrade() -> None:
    raise NotImplementedError("netfinger history migrations only go forward; restore a backup instead")
