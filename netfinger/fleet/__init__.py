"""The fleet: one sensor per site on Celery with a Redis broker, a central PostgreSQL, one view.

:mod:`config` (URLs, site and queue names) · :mod:`app` (the Celery app) · :mod:`messages` (the task
payloads, bounded and checked) · :mod:`sensor` + :mod:`outbox` (the site side) · :mod:`ingest` +
:mod:`hqdb` (the HQ side) · :mod:`sweep`, :mod:`schedule`, :mod:`status`, :mod:`views`,
:mod:`dashboard` (what HQ asks and shows). Scans go through ``netfinger.scan.run_scan`` and
sweeps through the ``netfinger.history`` public functions only.
"""
