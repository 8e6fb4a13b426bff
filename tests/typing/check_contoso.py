"""Typing of the generated ``ContosoIdentity`` client (OIDC with variables and an environment).

See ``check_many_quirks.py`` for how these checks work.
"""

from __future__ import annotations

from typing_extensions import assert_type

from tests.generator.golden.contoso import (
    ContosoIdentity,
    ContosoIdentityProfile,
    ContosoIdentityToken,
    Scope,
)


def construction() -> None:
    ContosoIdentity(client_id="id")
    ContosoIdentity(client_id="id", tenant="organizations", login_host="login.example.us")
    ContosoIdentity(client_id="id", environment="government", private_key=b"pem", key_id="k1")
    ContosoIdentity(client_id="id", login_host="evil.example.com")  # type: ignore[arg-type]
    ContosoIdentity(client_id="id", environment="sandbox")  # type: ignore[arg-type]
    ContosoIdentity(client_id="id", tenant=None)  # type: ignore[arg-type]
    ContosoIdentity(client_id="id", shop="acme")  # type: ignore[call-arg]
    ContosoIdentity()  # type: ignore[call-arg]


def flows(client: ContosoIdentity) -> None:
    url, _ = client.authorization_url(scopes=["openid", "https://graph.example.com/.default"])
    assert_type(url, str)
    client.authorization_url(prompt="select_account", domain_hint="contoso.com")
    client.authorization_url(prompt="consent_please")  # type: ignore[arg-type]
    client.authorization_url(scopes=["offline"])  # type: ignore[list-item]
    client.authorization_url(user_scopes=["openid"])  # type: ignore[call-arg]
    token = client.fetch_token(code="c")
    assert_type(token, ContosoIdentityToken)
    assert_type(token.get("id_token"), str | None)
    # Scopes may come back spelled otherwise (the spec does not say known_names): plain strings.
    assert_type(token.get("scope"), list[str] | None)
    assert_type(client.token, ContosoIdentityToken | None)
    assert_type(client.refresh(), ContosoIdentityToken)
    assert_type(client.client_credentials(), ContosoIdentityToken)
    profile = client.userinfo()
    assert_type(profile, ContosoIdentityProfile)
    assert_type(profile["oid"], str)
    assert_type(profile.get("roles"), list[str] | None)


def absent_flows(client: ContosoIdentity) -> None:
    # The spec has no revocation endpoint, exchanges or callback captures.
    client.revoke()  # type: ignore[attr-defined]
    client.exchange_long_lived()  # type: ignore[attr-defined]
    client.captured()  # type: ignore[attr-defined]
    client.introspect()  # type: ignore[attr-defined]  # contoso has no introspection endpoint
    scope: Scope = "profile"
    del scope
