"""One exception family, caught once at the CLI edge and shown as an actionable message."""


class NetfingerError(Exception):
    """Base for errors a user can act on. The message says what to do."""


class UsageError(NetfingerError):
    """Bad arguments or input files (exit code 2)."""


class NeedsRootError(NetfingerError):
    """The operation needs root (exit code 3)."""
