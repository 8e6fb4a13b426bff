"""OpenID Connect: lazy discovery, spec endpoints first, discovery hooks, id_token checks."""

from __future__ import annotations

import importlib
import json
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests_mock

from runtime.discovery import DiscoveryError
from runtime.errors import IssuerMismatchError
from runtime.provider import OAuth2Provider
from runtime.provider.flow_errors import IdTokenError
from tests.support.clocks import Clock
from tests.support.http import query

from .support import fixture_spec, inline_spec, oauth2_class, unsigned_jwt

ISSUER = "https://id.acme.example"
NOW = 1_700_000_000
DOCUMENT = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/authorize",
    "token_endpoint": f"{ISSUER}/token",
    "userinfo_endpoint": f"{ISSUER}/userinfo",
}
OIDC = """\
scopes:
  known: {openid: o, email: e}
  required: [openid]
userinfo:
  fields:
    sub: {type: str, required: true}
    email: {type: str}
  id_field: sub
"""


def provider_for(endpoints: str, body: str = OIDC) -> OAuth2Provider:
    spec = inline_spec(body, protocol="oidc", endpoints=endpoints)
    return oauth2_class(spec)(
        client_id="cid",
        client_secret="sec",
        redirect_uri="https://app.example/cb",
        clock=Clock(NOW),
    )


def claims(**overrides: Any) -> dict[str, Any]:
    base = {"iss": ISSUER, "aud": "cid", "sub": "u1", "exp": NOW + 300, "iat": NOW, "email": "a@x"}
    base.update(overrides)
    return base


def sign_in(
    provider: OAuth2Provider, m: requests_mock.Mocker, id_claims: dict[str, Any], alg: str = "RS256"
) -> dict[str, Any]:
    url, state = provider._authorization_url(scopes=None, state=None, options={})
    nonce = provider.pending_authorization.nonce
    assert query(url)["nonce"] == [nonce]
    id_claims = {**id_claims}
    if id_claims.get("nonce") == "SENT":
        id_claims["nonce"] = nonce
    token_url = str(
        urlsplit(url)
        ._replace(path=urlsplit(url).path.replace("authorize", "token"), query="")
        .geturl()
    )
    m.post(token_url, json={"access_token": "at", "id_token": unsigned_jwt(id_claims, alg)})
    return provider._fetch_token(authorization_response=f"?code=c&state={state}")


def test_discovery_is_lazy_once_and_supplies_missing_endpoints() -> None:
    provider = provider_for(f"endpoints:\n  issuer: {ISSUER}\n")
    with requests_mock.Mocker() as m:
        m.get(f"{ISSUER}/.well-known/openid-configuration", json=DOCUMENT)
        token = sign_in(provider, m, claims(nonce="SENT"))
        assert token["access_token"] == "at"
        m.get(f"{ISSUER}/userinfo", json={"sub": "u1", "email": "a@x"})
        assert provider._userinfo() == {"sub": "u1", "email": "a@x"}
        discovery_calls = [r for r in m.request_history if "well-known" in r.url]
        assert len(discovery_calls) == 1


def test_explicit_endpoints_skip_discovery_and_explicit_discovery_url_is_used() -> None:
    explicit = (
        f"endpoints:\n  issuer: {ISSUER}\n  authorize: {ISSUER}/authorize\n"
        f"  token: {ISSUER}/token\n"
    )
    provider = provider_for(explicit)
    with requests_mock.Mocker() as m:
        sign_in(provider, m, claims(nonce="SENT"))
        assert not [r for r in m.request_history if "well-known" in r.url]
    custom = provider_for(f"endpoints:\n  issuer: {ISSUER}\n  discovery: {ISSUER}/meta.json\n")
    with requests_mock.Mocker() as m:
        m.get(f"{ISSUER}/meta.json", json=DOCUMENT)
        sign_in(custom, m, claims(nonce="SENT"))


def test_discovery_document_for_another_issuer_is_refused() -> None:
    provider = provider_for(f"endpoints:\n  issuer: {ISSUER}\n")
    with requests_mock.Mocker() as m:
        m.get(
            f"{ISSUER}/.well-known/openid-configuration",
            json={**DOCUMENT, "issuer": "https://evil.example"},
        )
        with pytest.raises(DiscoveryError, match="does not match the expected issuer"):
            provider._authorization_url(scopes=None, state=None, options={})
        m.get(f"{ISSUER}/.well-known/openid-configuration", text="nope", status_code=500)
        with pytest.raises(DiscoveryError, match="HTTP 500"):
            provider._authorization_url(scopes=None, state=None, options={})


def test_discovery_follows_same_origin_redirects_only() -> None:
    well_known = f"{ISSUER}/.well-known/openid-configuration"
    provider = provider_for(f"endpoints:\n  issuer: {ISSUER}\n")
    with requests_mock.Mocker() as m:
        m.get(well_known, status_code=301, headers={"Location": "/v2/openid-configuration"})
        m.get(f"{ISSUER}/v2/openid-configuration", json=DOCUMENT)
        url, _ = provider._authorization_url(scopes=None, state=None, options={})
        assert url.startswith(f"{ISSUER}/authorize?")
    other = provider_for(f"endpoints:\n  issuer: {ISSUER}\n")
    with requests_mock.Mocker() as m:
        m.get(well_known, status_code=307, headers={"Location": "https://evil.example/meta"})
        m.get("https://evil.example/meta", json={**DOCUMENT, "issuer": ISSUER})
        with pytest.raises(DiscoveryError, match="same-origin redirects only") as caught:
            other._authorization_url(scopes=None, state=None, options={})
        assert [r.url for r in m.request_history] == [well_known]
        assert caught.value.urls_tried == (well_known,)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (f'{{"issuer": "{ISSUER}", "x": ' + "[" * 50_000 + "]" * 50_000 + "}", "nested deeper"),
        (json.dumps({"issuer": ISSUER, "x": "x" * (2 << 20)}), "larger than 1048576 bytes"),
    ],
    ids=["nesting", "size"],
)
def test_discovery_documents_are_capped(body: str, message: str) -> None:
    provider = provider_for(f"endpoints:\n  issuer: {ISSUER}\n")
    with requests_mock.Mocker() as m:
        m.get(f"{ISSUER}/.well-known/openid-configuration", text=body)
        with pytest.raises(DiscoveryError, match=message):
            provider._authorization_url(scopes=None, state=None, options={})


@pytest.mark.parametrize(
    ("id_claims", "alg", "message"),
    [
        (claims(nonce="wrong"), "RS256", "nonce does not match"),
        (claims(nonce="SENT", aud="other"), "RS256", "aud does not include"),
        (claims(nonce="SENT", aud=["cid", "x"], azp="x"), "RS256", "azp is another client"),
        (
            claims(nonce="SENT", iss="https://evil.example"),
            "RS256",
            "iss is not the expected issuer",
        ),
        (claims(nonce="SENT", exp=NOW - 1000), "RS256", "has expired"),
        (claims(nonce="SENT", exp="soon"), "RS256", "numeric exp"),
        (claims(nonce="SENT"), "none", "alg 'none' is not one of"),
    ],
)
def test_id_token_checks(id_claims: dict[str, Any], alg: str, message: str) -> None:
    provider = provider_for(
        f"endpoints:\n  issuer: {ISSUER}\n  authorize: {ISSUER}/authorize\n"
        f"  token: {ISSUER}/token\n"
    )
    with requests_mock.Mocker() as m, pytest.raises(IdTokenError, match=message):
        sign_in(provider, m, id_claims, alg)
    assert provider.token is None


def test_malformed_id_token() -> None:
    provider = provider_for(
        f"endpoints:\n  issuer: {ISSUER}\n  authorize: {ISSUER}/authorize\n"
        f"  token: {ISSUER}/token\n"
    )
    provider._authorization_url(scopes=None, state="s", options={})
    with requests_mock.Mocker() as m:
        m.post(f"{ISSUER}/token", json={"access_token": "at", "id_token": "not-a-jwt"})
        with pytest.raises(IdTokenError, match="three parts"):
            provider._fetch_token(authorization_response="?code=c&state=s")


def test_nonce_unsupported_is_not_sent() -> None:
    endpoints = (
        f"endpoints:\n  issuer: {ISSUER}\n  authorize: {ISSUER}/authorize\n"
        f"  token: {ISSUER}/token\n"
    )
    provider = provider_for(endpoints, OIDC + "oidc:\n  nonce: unsupported\n")
    url, _ = provider._authorization_url(scopes=None, state=None, options={})
    assert "nonce" not in query(url)


ENTRA_DOCUMENT = {
    "issuer": "https://login.example.com/{tenantid}/v2.0",
    "authorization_endpoint": "https://login.example.com/common/oauth2/v2.0/authorize",
    "token_endpoint": "https://login.example.com/common/oauth2/v2.0/token",
}


def contoso(**kwargs: Any) -> OAuth2Provider:
    spec = dict(fixture_spec("contoso"))
    spec["token"] = {**spec["token"], "client_auth": "client_secret_post"}
    return oauth2_class(spec)(client_id="app", client_secret="s", clock=Clock(NOW), **kwargs)


def test_contoso_static_issuer_takes_the_users_tenant_and_profile_from_id_token() -> None:
    tid = "0f0e0d0c-0b0a-0908-0706-050403020100"
    provider = contoso()
    url, state = provider._authorization_url(scopes=None, state=None, options={"prompt": "login"})
    assert query(url)["scope"] == ["openid profile email offline_access"]
    nonce = provider.pending_authorization.nonce
    id_claims = {
        "iss": f"https://login.example.com/{tid}/v2.0",
        "tid": tid,
        "oid": "o1",
        "aud": "app",
        "exp": NOW + 60,
        "nonce": nonce,
        "roles": ["admin"],
    }
    with requests_mock.Mocker() as m:
        m.post(
            "https://login.example.com/common/oauth2/v2.0/token",
            json={"access_token": "at", "id_token": unsigned_jwt(id_claims)},
        )
        provider._fetch_token(authorization_response=f"?code=c&state={state}")
    assert provider._userinfo() == {"oid": "o1", "tid": tid, "roles": ["admin"]}


def test_contoso_rejects_an_issuer_of_another_tenant_than_tid() -> None:
    provider = contoso()
    _, state = provider._authorization_url(scopes=None, state=None, options={})
    id_claims = {
        "iss": "https://login.example.com/evil/v2.0",
        "tid": "good",
        "oid": "o",
        "aud": "app",
        "exp": NOW + 60,
        "nonce": provider.pending_authorization.nonce,
    }
    with requests_mock.Mocker() as m:
        m.post(
            "https://login.example.com/common/oauth2/v2.0/token",
            json={"access_token": "at", "id_token": unsigned_jwt(id_claims)},
        )
        with pytest.raises(
            IdTokenError, match=r"expected issuer 'https://login\.example\.com/good/v2\.0'"
        ):
            provider._fetch_token(authorization_response=f"?code=c&state={state}")


def test_entra_discovery_document_with_tenantid_literal() -> None:
    body = OIDC + "hooks:\n  discovery: [entra_tenant_issuer]\n"
    provider = provider_for("endpoints:\n  issuer: https://login.example.com/common/v2.0\n", body)
    with requests_mock.Mocker() as m:
        m.get(
            "https://login.example.com/common/v2.0/.well-known/openid-configuration",
            json=ENTRA_DOCUMENT,
        )
        _, state = provider._authorization_url(scopes=None, state=None, options={})
        id_claims = {
            "iss": "https://login.example.com/T9/v2.0",
            "tid": "T9",
            "sub": "u",
            "aud": "cid",
            "exp": NOW + 60,
            "nonce": provider.pending_authorization.nonce,
        }
        m.post(
            ENTRA_DOCUMENT["token_endpoint"],
            json={"access_token": "at", "id_token": unsigned_jwt(id_claims)},
        )
        assert (
            provider._fetch_token(authorization_response=f"?code=c&state={state}")["access_token"]
            == "at"
        )


# -- RFC 9207: the callback's iss ---------------------------------------------------------------

EXPLICIT = (
    f"endpoints:\n  issuer: {ISSUER}\n  authorize: {ISSUER}/authorize\n  token: {ISSUER}/token\n"
)


def exchange(provider: OAuth2Provider, m: requests_mock.Mocker, extra: str) -> dict[str, Any]:
    """The callback of a fresh authorization URL plus ``extra``; only the token is mocked."""
    _, state = provider._authorization_url(scopes=None, state=None, options={})
    token_url = provider._endpoint("token")
    m.post(token_url, json={"access_token": "at", "token_type": "bearer"})
    return provider._fetch_token(authorization_response=f"?code=c&state={state}{extra}")


def token_requests(m: requests_mock.Mocker) -> list[Any]:
    return [r for r in m.request_history if r.method == "POST"]


@pytest.mark.parametrize("iss", ["https://evil.example", f"{ISSUER}/", ""])
def test_callback_iss_of_another_issuer_is_refused(iss: str) -> None:
    provider = provider_for(EXPLICIT)
    with requests_mock.Mocker() as m:
        with pytest.raises(IssuerMismatchError, match=r"not from 'https://id\.acme\.example'"):
            exchange(provider, m, f"&iss={iss}")
        assert not token_requests(m)


def test_callback_with_the_right_iss_or_none_when_not_advertised_is_accepted() -> None:
    provider = provider_for(EXPLICIT)
    with requests_mock.Mocker() as m:
        assert exchange(provider, m, f"&iss={ISSUER}")["access_token"] == "at"
        assert exchange(provider, m, "")["access_token"] == "at"
        assert len(token_requests(m)) == 2


def test_discovered_iss_support_makes_iss_required() -> None:
    provider = provider_for(f"endpoints:\n  issuer: {ISSUER}\n")
    with requests_mock.Mocker() as m:
        m.get(
            f"{ISSUER}/.well-known/openid-configuration",
            json={**DOCUMENT, "authorization_response_iss_parameter_supported": True},
        )
        with pytest.raises(IssuerMismatchError, match="has no 'iss'"):
            exchange(provider, m, "")
        assert not token_requests(m)
        assert exchange(provider, m, f"&iss={ISSUER}")["access_token"] == "at"


def test_callback_iss_is_checked_against_the_rendered_tenant_issuer() -> None:
    tenant = "0f0e0d0c-0b0a-0908-0706-050403020100"
    provider = contoso(variables={"tenant": tenant})
    with requests_mock.Mocker() as m:
        with pytest.raises(IssuerMismatchError):
            exchange(provider, m, "&iss=https://login.example.com/common/v2.0")
        with pytest.raises(IssuerMismatchError):
            exchange(provider, m, "&iss=https://login.example.us/" + tenant + "/v2.0")
        assert not token_requests(m)
        assert exchange(provider, m, f"&iss=https://login.example.com/{tenant}/v2.0")


def test_multi_tenant_callback_iss_must_fit_the_issuer_template() -> None:
    """Tenant ``common``: the user's own tenant is in iss, one path segment of the template."""
    provider = contoso()
    with requests_mock.Mocker() as m:
        for wrong in (
            "https://evil.example/T9/v2.0",
            "https://login.example.com/T9/extra/v2.0",
            "https://login.example.com//v2.0",
        ):
            with pytest.raises(IssuerMismatchError):
                exchange(provider, m, f"&iss={wrong}")
        assert not token_requests(m)
        assert exchange(provider, m, "&iss=https://login.example.com/T9/v2.0")


def test_generated_microsoft_client_checks_the_callback_iss() -> None:
    # Imported by name: generated/ is a namespace package that mypy also sees as a directory.
    microsoft: Any = importlib.import_module("generated.microsoft")
    client = microsoft.Microsoft(client_id="app", client_secret="s", redirect_uri="https://app.example/cb")
    _, state = client.authorization_url()
    with requests_mock.Mocker() as m:
        with pytest.raises(IssuerMismatchError):
            client.fetch_token(
                authorization_response=f"https://app.example/cb?code=c&state={state}"
                "&iss=https://login.evil.example/common/v2.0"
            )
        assert not m.called
