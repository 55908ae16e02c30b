"""The history schema as SQLAlchemy Core tables: one definition for SQLite and PostgreSQL.

The migrations in ``migrations/versions`` build exactly this; a test compares the two.
``sweeps`` holds one row per sweep (site, sensor, times, counts); ``sweep_reports`` its full JSON
report, apart, so that listing 1,000 sweeps never reads their reports (SQLite keeps a long value
in the row's overflow pages and walks them to reach any column after it); ``sweep_hosts`` one row
per host for quick queries. ``uid`` makes a retried write of the same sweep a no-op.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

sweeps = sa.Table(
    "sweeps",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started", sa.Text, nullable=False),
    sa.Column("ended", sa.Text, nullable=False),
    sa.Column("recorded", sa.Text, nullable=False),
    sa.Column("targets", sa.Text, nullable=False),
    sa.Column("hosts", sa.Integer, nullable=False),
    sa.Column("banned", sa.Integer, nullable=False),
    sa.Column("vulnerable", sa.Integer, nullable=False),
    sa.Column("interrupted", sa.Integer, nullable=False),
    sa.Column("uid", sa.Text, nullable=False, server_default=""),
    sa.Column("site", sa.Text, nullable=False, server_default="default"),
    sa.Column("sensor", sa.Text, nullable=False, server_default=""),
    sa.Index("sweeps_by_uid", "uid", unique=True),
    sa.Index("sweeps_by_site", "site", "id"),
    sa.Index("sweeps_by_started", "started"),
    sqlite_autoincrement=True,
)

sweep_reports = sa.Table(
    "sweep_reports",
    metadata,
    sa.Column(
        "sweep_id", sa.Integer, sa.ForeignKey("sweeps.id", ondelete="CASCADE"), primary_key=True,
        autoincrement=False,
    ),
    sa.Column("report", sa.Text, nullable=False),
)

sweep_hosts = sa.Table(
    "sweep_hosts",
    metadata,
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
    sa.Column("site", sa.Text, nullable=False, server_default="default"),
    sa.Column("serial", sa.Text),
    sa.Index("sweep_hosts_by_sweep", "sweep_id"),
    sa.Index("sweep_hosts_by_identity", "site", "identity"),
)
