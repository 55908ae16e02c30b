"""Sweep history: every recorded scan in one SQLite file, addressable by id or ``last~N``, and diffs."""
