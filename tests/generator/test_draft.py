"""``oauthgen draft``: a starter spec from discovery metadata (HTTP mocked; the real server is
in tests/integration/test_draft_cli.py)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests_mock

from generator.cli import main
from generator.spec import ProviderSpec, load_spec

ISSUER = "https://as.example"
OIDC_URL = f"{ISSUER}/.well-known/openid-configuration"
RFC8414_URL = f"{ISSUER}/.well-known/oauth-authorization-server"
Capture = pytest.CaptureFixture[str]


def oidc_document(**fields: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "issuer": ISSUER,
        "authorization_endpoint": f"{ISSUER}/authorize",
        "token_endpoint": f"{ISSUER}/token",
        "revocation_endpoint": f"{ISSUER}/revoke",
        "introspection_endpoint": f"{ISSUER}/introspect",
        "device_authorization_endpoint": f"{ISSUER}/device",
        "userinfo_endpoint": f"{ISSUER}/userinfo",
        "jwks_uri": f"{ISSUER}/jwks",
        "scopes_supported": ["openid", "email", "offline_access", "files:read"],
        "code_challenge_methods_supported": ["plain", "S256"],
        "grant_types_supported": [
            "authorization_code",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:device_code",
        ],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256", "none"],
        "subject_types_supported": ["public"],
        "response_types_supported": ["code"],
        "claims_supported": ["sub", "email", "email_verified", "updated_at", "https://x/claim"],
    }
    document.update(fields)
    return {key: value for key, value in document.items() if value is not None}


@pytest.fixture
def http() -> Iterator[requests_mock.Mocker]:
    with requests_mock.Mocker() as mocker:
        yield mocker


def draft(tmp_path: Path, *extra: str, issuer: str = ISSUER) -> tuple[int, Path]:
    out = tmp_path / "acme.yaml"
    return main(["draft", issuer, "--id", "acme", "--out", str(out), *extra]), out


def drafted(tmp_path: Path, capsys: Capture) -> tuple[ProviderSpec, str]:
    code, out = draft(tmp_path)
    assert code == 0, capsys.readouterr().err
    return load_spec(out).spec, out.read_text(encoding="utf-8")


def test_an_openid_document_becomes_an_oidc_spec(
    http: requests_mock.Mocker, tmp_path: Path, capsys: Capture
) -> None:
    http.get(OIDC_URL, json=oidc_document())
    spec, text = drafted(tmp_path, capsys)
    assert spec.protocol == "oidc"
    endpoints = spec.endpoints
    assert (endpoints.issuer, endpoints.discovery) == (ISSUER, OIDC_URL)
    assert endpoints.authorize == f"{ISSUER}/authorize"
    assert endpoints.token == f"{ISSUER}/token"
    assert endpoints.revoke == f"{ISSUER}/revoke"
    assert endpoints.introspect == f"{ISSUER}/introspect"
    assert endpoints.device == f"{ISSUER}/device"
    assert endpoints.userinfo == f"{ISSUER}/userinfo"
    assert list(spec.scopes.known) == ["openid", "email", "offline_access", "files:read"]
    assert spec.scopes.required == ("openid",)
    assert spec.authorize.pkce == "supported"
    assert spec.authorize.pkce_methods == ("S256", "plain")  # S256 preferred
    assert spec.token.client_auth == "client_secret_post"  # basic is not offered
    assert spec.grants == ("authorization_code", "device_code")
    assert spec.refresh is not None and spec.refresh.requires_scopes == ("offline_access",)
    assert spec.oidc.signing_algs == ("RS256", "ES256")  # never "none"
    assert spec.userinfo is not None and spec.userinfo.id_field == "sub"
    fields = {name: (field.type, field.required) for name, field in spec.userinfo.fields.items()}
    assert fields == {
        "sub": ("str", True),
        "email": ("str", False),
        "email_verified": ("bool", False),
        "updated_at": ("int", False),
    }
    assert '"https://x/claim"' in text  # named in a comment as left out
    assert f"  - {OIDC_URL!r}".replace("'", '"') in text  # the document read is a source
    for still_human in ("docs", "scope", "rotating", "token.response", "name"):
        assert any("TODO" in line and still_human in line for line in text.splitlines())


def test_plain_rfc8414_metadata_becomes_an_oauth2_spec(
    http: requests_mock.Mocker, tmp_path: Path, capsys: Capture
) -> None:
    http.get(OIDC_URL, status_code=404)
    http.get(
        RFC8414_URL,
        json=oidc_document(
            id_token_signing_alg_values_supported=None,
            userinfo_endpoint=None,
            claims_supported=None,
            grant_types_supported=["authorization_code", "client_credentials"],
            token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
            service_documentation="https://as.example/docs/oauth",
        ),
    )
    spec, _text = drafted(tmp_path, capsys)
    assert spec.protocol == "oauth2"
    assert spec.endpoints.discovery == RFC8414_URL
    assert spec.docs == "https://as.example/docs/oauth"
    assert spec.grants == ("authorization_code", "client_credentials")
    assert spec.token.client_auth == "client_secret_basic"
    assert spec.refresh is None and spec.userinfo is None
    assert spec.endpoints.device is None  # the device grant is not advertised


def test_a_document_missing_optional_fields_still_gives_a_valid_spec(
    http: requests_mock.Mocker, tmp_path: Path, capsys: Capture
) -> None:
    http.get(OIDC_URL, json={"issuer": ISSUER, "authorization_endpoint": f"{ISSUER}/a",
                             "token_endpoint": f"{ISSUER}/t"})  # fmt: skip
    spec, text = drafted(tmp_path, capsys)
    assert spec.protocol == "oauth2"
    assert spec.grants == ("authorization_code",)
    assert spec.authorize.pkce == "unsupported"  # RFC 8414: absent means no PKCE
    assert spec.token.client_auth == "client_secret_basic"  # RFC 8414's default
    assert spec.scopes.known == {} and spec.refresh is None and spec.userinfo is None
    assert "TODO: scopes_supported is absent" in text


def test_an_oidc_document_without_claims_gets_sub(
    http: requests_mock.Mocker, tmp_path: Path, capsys: Capture
) -> None:
    http.get(OIDC_URL, json=oidc_document(claims_supported=None, userinfo_endpoint=None))
    spec, _text = drafted(tmp_path, capsys)
    assert spec.userinfo is not None and spec.userinfo.source == "id_token"
    assert list(spec.userinfo.fields) == ["sub"] and spec.userinfo.fields["sub"].required


@pytest.mark.parametrize(
    ("methods", "chosen"),
    [
        (["none"], "none"),
        (["private_key_jwt", "none"], "private_key_jwt"),
        (["client_secret_jwt"], "client_secret_jwt"),
        (["tls_client_auth"], "client_secret_basic"),  # nothing usable: a TODO, the default
    ],
)
def test_client_authentication_is_chosen_from_the_advertised_methods(
    http: requests_mock.Mocker, tmp_path: Path, capsys: Capture, methods: list[str], chosen: str
) -> None:
    http.get(OIDC_URL, json=oidc_document(token_endpoint_auth_methods_supported=methods))
    spec, text = drafted(tmp_path, capsys)
    assert spec.token.client_auth == chosen
    if chosen == "client_secret_jwt":
        assert spec.token.client_assertion is not None
        assert spec.token.client_assertion.signing_alg == "HS256"
    if methods == ["tls_client_auth"]:
        assert "# TODO: client_auth: none of this server's methods" in text


def test_values_a_spec_cannot_hold_are_left_out_not_injected(
    http: requests_mock.Mocker, tmp_path: Path, capsys: Capture
) -> None:
    http.get(
        OIDC_URL,
        json=oidc_document(
            scopes_supported=["openid", 'bad"scope', "two words", "x: y\n  injected: 1"],
            revocation_endpoint=f"{ISSUER}/revoke/{{tenant}}",
            claims_supported=["sub", "givenName", "class", "nickname"],
        ),
    )
    spec, text = drafted(tmp_path, capsys)
    assert list(spec.scopes.known) == ["openid"]
    assert spec.endpoints.revoke is None  # braces would be read as a placeholder
    assert "# TODO revoke:" in text
    assert spec.userinfo is not None and list(spec.userinfo.fields) == ["sub", "nickname"]
    assert "injected" not in {key for key in spec.scopes.known}


def test_a_non_https_issuer_that_is_not_loopback_is_refused_before_any_request(
    http: requests_mock.Mocker, tmp_path: Path, capsys: Capture
) -> None:
    code, out = draft(tmp_path, issuer="http://as.example")
    assert code == 2
    err = capsys.readouterr().err
    assert "plain http to a non-loopback host; use https" in err
    assert http.call_count == 0 and not out.exists()


def test_a_server_that_does_not_answer(tmp_path: Path, capsys: Capture) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, out = draft(tmp_path, issuer=f"http://127.0.0.1:{port}")
    assert code == 8
    err = capsys.readouterr().err
    assert f"could not fetch http://127.0.0.1:{port}/.well-known/openid-configuration" in err
    assert not out.exists()


def test_a_document_without_a_token_endpoint_is_refused(
    http: requests_mock.Mocker, tmp_path: Path, capsys: Capture
) -> None:
    http.get(OIDC_URL, json=oidc_document(token_endpoint=None))
    code, out = draft(tmp_path)
    assert code == 8
    assert "has no token_endpoint; a spec needs one" in capsys.readouterr().err
    assert not out.exists()


def test_an_issuer_mismatch_is_refused(
    http: requests_mock.Mocker, tmp_path: Path, capsys: Capture
) -> None:
    http.get(OIDC_URL, json=oidc_document(issuer="https://evil.example"))
    code, out = draft(tmp_path)
    assert code == 8 and "does not match the expected issuer" in capsys.readouterr().err
    assert not out.exists()


def test_an_existing_file_is_kept_unless_forced(
    http: requests_mock.Mocker, tmp_path: Path, capsys: Capture
) -> None:
    http.get(OIDC_URL, json=oidc_document())
    out = tmp_path / "acme.yaml"
    out.write_text("mine\n")
    code, _ = draft(tmp_path)
    assert code == 2
    assert "already exists; nothing written (--force replaces it)" in capsys.readouterr().err
    assert out.read_text() == "mine\n" and http.call_count == 0
    code, _ = draft(tmp_path, "--force")
    assert code == 0 and load_spec(out).spec.id == "acme"
    assert [path.name for path in tmp_path.iterdir()] == ["acme.yaml"]  # no temporary left


def test_a_bad_id_is_a_usage_error(tmp_path: Path, capsys: Capture) -> None:
    assert main(["draft", ISSUER, "--id", "Bad-Id", "--out", str(tmp_path / "x.yaml")]) == 2
    assert "not a valid provider id" in capsys.readouterr().err
