"""Exit codes of the sign-in commands and the error that carries one.

The codes shared with the other commands keep their meaning (0 ok, 1 spec errors, 2 usage);
the rest say what went wrong so a script can react without reading the message.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_SPEC_ERRORS = 1
EXIT_USAGE = 2
"""Bad arguments: unknown provider, missing client id, a bad ``--var``, a flow it lacks."""
EXIT_NOT_SIGNED_IN = 3
"""No token for the profile, or it expired and cannot be refreshed: run ``oauthgen login``."""
EXIT_DENIED = 4
"""The provider refused: the user denied access, or it answered with an OAuth error."""
EXIT_TIMEOUT = 5
"""No callback in time (``--timeout``), or the device code expired before approval."""
EXIT_PORT_IN_USE = 6
"""The ``--port`` asked for is taken by another program."""
EXIT_STORE = 7
"""The token store is locked (another process held it too long), corrupt or unsafe."""
EXIT_NETWORK = 8
"""The provider could not be reached, or its answer could not be read."""
EXIT_INTERRUPTED = 130
"""Stopped with Ctrl-C (128 + SIGINT, as a shell reports it)."""

EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "ok"),
    (EXIT_SPEC_ERRORS, "the spec file has errors"),
    (EXIT_USAGE, "usage: unknown provider, missing client id, bad --var or option"),
    (EXIT_NOT_SIGNED_IN, "no token for the profile (or it cannot be refreshed): log in"),
    (EXIT_DENIED, "the provider refused (access denied, invalid_grant, ...)"),
    (EXIT_TIMEOUT, "timed out waiting for the browser or the device approval"),
    (EXIT_PORT_IN_USE, "the --port is in use"),
    (EXIT_STORE, "the token store is locked, corrupt or unsafe"),
    (EXIT_NETWORK, "the provider could not be reached or answered garbage"),
    (EXIT_INTERRUPTED, "interrupted (Ctrl-C)"),
)


class CommandError(Exception):
    """A failure to report on stderr (one message, no traceback) with its exit code.

    Messages name providers, profiles, files and flags, never a token or a secret.
    """

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
