"""``HookHost``: what a named hook may use of the client running it.

Every hook receives one as its first argument, whatever its point (see ``points.py`` for the
rest of each signature). It is the hook's whole view of the client: the spec, the
credentials, the API session, the client's clock, its variables and introspection, so a hook
never reaches into the client's private state, and the client's own API stays free of
methods meant only for hooks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import requests

    from ..base import ProviderBase
    from ..spec_view import SpecView


class HookHost:
    """The provider client as a hook sees it."""

    __slots__ = ("_client",)

    def __init__(self, client: ProviderBase[Any]) -> None:
        self._client: ProviderBase[Any] = client

    @property
    def spec(self) -> SpecView:
        """The provider's spec, every default filled in, as a read-only view
        (``host.spec.token.response.format``; ``host.spec.data`` is the dict)."""
        return self._client.spec

    @property
    def client_id(self) -> str:
        return self._client._client_id

    @property
    def client_secret(self) -> str | None:
        return self._client._client_secret

    @property
    def private_key(self) -> str | bytes | None:
        """The key the client signs with (Apple's ES256 client secret, private_key_jwt)."""
        return self._client._private_key

    @property
    def key_id(self) -> str | None:
        return self._client._key_id

    @property
    def http(self) -> requests.Session:
        """The session API calls go through (token attached, provider headers applied)."""
        return self._client.http

    @property
    def access_token(self) -> str | None:
        """The access token the client holds now, if any."""
        token: Mapping[str, Any] | None = self._client._current_token()
        value = token.get(self._client._access_token_field) if token else None
        return value if isinstance(value, str) else None

    def now(self) -> float:
        """The client's clock (epoch seconds): the one its expiry decisions use."""
        return self._client._clock()

    def variable(self, name: str) -> object:
        """The value of the variable ``name``; a ``ValueError`` naming it when it has none."""
        return self._client._variable(name)

    def introspect(self, token: str) -> dict[str, Any]:
        """RFC 7662 introspection of ``token`` at the provider's introspection endpoint."""
        return self._client._introspect_for_hook(token)

    def __repr__(self) -> str:
        return f"HookHost({self._client.spec.id!r}, client_id={self.client_id!r})"
