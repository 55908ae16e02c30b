"""Alembic migrations of the sweep history (run by :mod:`netfinger.history.migrate`)."""
