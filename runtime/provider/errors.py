"""Configuration and data errors of the provider engine: ``ValueError``s, light to import.

Errors of a flow (a callback, a token or profile answer) derive from oauthlib's
``OAuth2Error`` and live in ``flow_errors``. Messages name fields and URLs, never token values.
"""

from __future__ import annotations


class VariableError(ValueError):
    """A variable is missing, unknown or has a value its declaration does not allow."""

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(message)
        self.variable = variable


class TemplateError(ValueError):
    """A ``{placeholder}`` could not be filled (a token field missing, an unsafe value)."""


class FieldTypeError(ValueError):
    """A value read from a document does not have the declared type; ``field`` names it when
    the reader knows which."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AuthorizationRequestError(ValueError):
    """A stored authorization request cannot be read back, or belongs to another client.

    Messages name the field, never its value (state, verifier and nonce are secrets)."""
