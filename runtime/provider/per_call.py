"""Per-call settings of a flow method: ``timeout`` for its requests and ``extra`` parameters
for the provider, which may add to what the flow sends but never replace it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from .defaults import Timeout

if TYPE_CHECKING:
    from ..core.http import Call

PROTECTED_PARAMETERS = frozenset(
    {
        "grant_type",
        "code",
        "code_verifier",
        "redirect_uri",
        "client_id",
        "client_secret",
        "client_assertion",
        "client_assertion_type",
        "assertion",
        "refresh_token",
        "device_code",
        "username",
        "password",
        "token",
        "token_type_hint",
    }
)
"""Parameters ``extra`` may never carry, even where a flow does not send them: they are the
grant, the client's credentials or the token a call is about."""


class ExtraParameterError(ValueError):
    """An ``extra`` parameter would replace one the flow sets itself (``grant_type``,
    ``code``, ``client_id``...), or is not a name and a string value."""


class PerCall(NamedTuple):
    """``timeout`` (None: the client's default) and ``extra`` parameters of one flow call."""

    timeout: Timeout = None
    extra: Mapping[str, str] | None = None

    def apply(self, call: Call, *, what: str) -> None:
        """Set the timeout on ``call`` and add the extras to its parameters; before any hook
        runs, after the flow's own parameters (renamed ones included) are in place."""
        if self.timeout is not None:
            call.timeout = self.timeout
        self.add_extras(call.params, what=what)

    def add_extras(
        self, params: dict[str, str], *, what: str, reserved_prefix: str | None = None
    ) -> None:
        """Add the extras to ``params``, refusing one that is there already, a protected
        name, or one starting with ``reserved_prefix`` (OAuth 1's ``oauth_``)."""
        for name, value in (self.extra or {}).items():
            if not (isinstance(name, str) and name and isinstance(value, str)):
                raise ExtraParameterError(f"{what}: extra parameters are names with string values")
            if (
                name in params
                or name in PROTECTED_PARAMETERS
                or (reserved_prefix is not None and name.startswith(reserved_prefix))
            ):
                raise ExtraParameterError(
                    f"{what}: the extra parameter {name!r} would replace one the flow sets "
                    "itself; pass it through the flow's own arguments"
                )
            params[name] = value


DEFAULT = PerCall()
