"""The embedded stack: PostgreSQL, Redis, Typesense and Temporal from PyPI wheels, run as
child processes on loopback with their data, logs and pid files under `settings.var_dir`.

    stack = EmbeddedStack(settings)
    endpoints = stack.up()              # idempotent; reuses live servers
    settings = endpoints.as_settings(settings)
    stack.down()
"""

from .embedded import EmbeddedStack, Endpoints
from .errors import StackError

__all__ = ["EmbeddedStack", "Endpoints", "StackError"]
