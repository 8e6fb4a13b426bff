"""Discovery (OIDC / RFC 8414): URL construction, fallback, validation and error messages."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import requests
import requests_mock

from runtime.discovery import (
    MAX_DOCUMENT_BYTES,
    MAX_NESTING,
    DiscoveryError,
    ServerMetadata,
    discover,
    metadata_urls,
)

ISSUER = "https://as.example"
OIDC_URL = "https://as.example/.well-known/openid-configuration"
RFC8414_URL = "https://as.example/.well-known/oauth-authorization-server"
BODY_MARKER = "do-not-echo-this-body"


def document(issuer: str = ISSUER, **fields: Any) -> dict[str, Any]:
    base = {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "revocation_endpoint": f"{issuer}/revoke",
        "introspection_endpoint": f"{issuer}/introspect",
        "device_authorization_endpoint": f"{issuer}/device",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/jwks",
        "registration_endpoint": f"{issuer}/register",
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_post"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "response_types_supported": ["code"],
        "scopes_supported": ["openid", "profile"],
        "claims_supported": ["sub"],
    }
    base.update(fields)
    return base


@pytest.fixture(autouse=True)
def _strict_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)


@pytest.fixture
def http() -> Any:
    with requests_mock.Mocker() as mocker:
        yield mocker


# -- metadata_urls --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issuer", "expected"),
    [
        (ISSUER, [OIDC_URL, RFC8414_URL]),
        (f"{ISSUER}/", [OIDC_URL, RFC8414_URL]),
        (
            "https://as.example/tenants/acme",
            [
                "https://as.example/tenants/acme/.well-known/openid-configuration",
                "https://as.example/.well-known/oauth-authorization-server/tenants/acme",
            ],
        ),
        (
            "https://as.example:8443/realms/x/",
            [
                "https://as.example:8443/realms/x/.well-known/openid-configuration",
                "https://as.example:8443/.well-known/oauth-authorization-server/realms/x",
            ],
        ),
        (
            "http://127.0.0.1:9000/oidc",
            [
                "http://127.0.0.1:9000/oidc/.well-known/openid-configuration",
                "http://127.0.0.1:9000/.well-known/oauth-authorization-server/oidc",
            ],
        ),
    ],
)
def test_metadata_urls(issuer: str, expected: list[str]) -> None:
    assert metadata_urls(issuer) == expected


@pytest.mark.parametrize(
    ("issuer", "problem"),
    [
        ("http://as.example", "plain http to a non-loopback host"),
        ("as.example", "not an absolute https URL"),
        ("ftp://as.example", "not an absolute https URL"),
        ("https://as.example?tenant=1", "query or fragment"),
        ("https://as.example#x", "query or fragment"),
        ("", "non-empty"),
    ],
)
def test_metadata_urls_rejects_bad_issuers(issuer: str, problem: str) -> None:
    with pytest.raises(DiscoveryError, match=problem):
        metadata_urls(issuer)


# -- discover: success paths ----------------------------------------------------------------------


def test_discover_oidc_document(http: Any) -> None:
    http.get(OIDC_URL, json=document())
    metadata = discover(ISSUER)

    assert metadata.issuer == ISSUER
    assert metadata.authorization_endpoint == f"{ISSUER}/authorize"
    assert metadata.token_endpoint == f"{ISSUER}/token"
    assert metadata.revocation_endpoint == f"{ISSUER}/revoke"
    assert metadata.introspection_endpoint == f"{ISSUER}/introspect"
    assert metadata.device_authorization_endpoint == f"{ISSUER}/device"
    assert metadata.userinfo_endpoint == f"{ISSUER}/userinfo"
    assert metadata.jwks_uri == f"{ISSUER}/jwks"
    assert metadata.registration_endpoint == f"{ISSUER}/register"
    assert metadata.token_endpoint_auth_methods_supported == (
        "client_secret_basic",
        "private_key_jwt",
    )
    assert metadata.revocation_endpoint_auth_methods_supported == ("client_secret_post",)
    assert metadata.introspection_endpoint_auth_methods_supported == ("client_secret_basic",)
    assert metadata.code_challenge_methods_supported == ("S256",)
    assert metadata.grant_types_supported == ("authorization_code", "refresh_token")
    assert metadata.response_types_supported == ("code",)
    assert metadata.scopes_supported == ("openid", "profile")
    assert metadata.raw["claims_supported"] == ["sub"]
    assert metadata.document_url == OIDC_URL
    assert ServerMetadata.from_document(document(), expected_issuer=ISSUER).document_url is None
    assert http.call_count == 1
    assert http.last_request.headers["Accept"] == "application/json"


def test_raw_is_a_read_only_copy(http: Any) -> None:
    source = document()
    http.get(OIDC_URL, json=source)
    metadata = discover(ISSUER)
    with pytest.raises(TypeError):
        metadata.raw["issuer"] = "https://evil.example"  # type: ignore[index]
    metadata.raw["claims_supported"].append("changed")
    assert discover(ISSUER).raw["claims_supported"] == ["sub"]
    assert hash(metadata) == hash(discover(ISSUER))


def test_optional_fields_absent_or_null_become_none(http: Any) -> None:
    http.get(OIDC_URL, json={"issuer": ISSUER, "token_endpoint": f"{ISSUER}/t", "jwks_uri": None})
    metadata = discover(ISSUER)
    assert metadata.token_endpoint == f"{ISSUER}/t"
    assert metadata.jwks_uri is None
    assert metadata.authorization_endpoint is None
    assert metadata.token_endpoint_auth_methods_supported is None
    assert metadata.code_challenge_methods_supported is None


def test_rfc8414_path_insertion_after_oidc_404(http: Any) -> None:
    issuer = "https://as.example/tenants/acme"
    oidc = "https://as.example/tenants/acme/.well-known/openid-configuration"
    rfc8414 = "https://as.example/.well-known/oauth-authorization-server/tenants/acme"
    http.get(oidc, status_code=404)
    http.get(rfc8414, json=document(issuer))

    metadata = discover(issuer)

    assert metadata.issuer == issuer
    assert metadata.token_endpoint == f"{issuer}/token"
    assert metadata.document_url == rfc8414
    assert [request.url for request in http.request_history] == [oidc, rfc8414]


def test_loopback_http_accepted(http: Any) -> None:
    issuer = "http://127.0.0.1:8080"
    http.get(f"{issuer}/.well-known/openid-configuration", json=document(issuer))
    assert discover(issuer).token_endpoint == "http://127.0.0.1:8080/token"


def test_loopback_http_endpoints_under_an_https_issuer(http: Any) -> None:
    http.get(OIDC_URL, json=document(token_endpoint="http://localhost:9000/token"))
    assert discover(ISSUER).token_endpoint == "http://localhost:9000/token"


def test_given_session_is_used_and_left_open(http: Any) -> None:
    http.get(OIDC_URL, json=document())
    session = requests.Session()
    session.headers["User-Agent"] = "discovery-test"
    discover(ISSUER, session=session, timeout=3)
    assert http.last_request.headers["User-Agent"] == "discovery-test"
    assert http.last_request.timeout == 3
    assert session.adapters  # not closed: still usable
    session.close()


# -- discover: failures ---------------------------------------------------------------------------


def test_both_urls_404(http: Any) -> None:
    http.get(OIDC_URL, status_code=404)
    http.get(RFC8414_URL, status_code=404)
    with pytest.raises(DiscoveryError) as caught:
        discover(ISSUER)
    message = str(caught.value)
    assert f"{OIDC_URL} answered HTTP 404" in message
    assert f"{RFC8414_URL} answered HTTP 404" in message
    assert "no metadata document found" in message
    assert caught.value.urls_tried == (OIDC_URL, RFC8414_URL)
    assert isinstance(caught.value, ValueError)


def test_issuer_mismatch_names_both(http: Any) -> None:
    http.get(OIDC_URL, json=document("https://evil.example"))
    with pytest.raises(DiscoveryError) as caught:
        discover(ISSUER)
    message = str(caught.value)
    assert "'https://evil.example'" in message
    assert f"'{ISSUER}'" in message
    assert OIDC_URL in message
    assert "does not match" in message


def test_issuer_must_match_exactly_even_a_trailing_slash(http: Any) -> None:
    http.get(OIDC_URL, json=document(f"{ISSUER}/"))
    with pytest.raises(DiscoveryError, match="does not match"):
        discover(ISSUER)


def test_issuer_mismatch_does_not_fall_back(http: Any) -> None:
    http.get(OIDC_URL, json=document("https://other.example"))
    http.get(RFC8414_URL, json=document())
    with pytest.raises(DiscoveryError):
        discover(ISSUER)
    assert http.call_count == 1


def test_missing_issuer(http: Any) -> None:
    http.get(OIDC_URL, json={"token_endpoint": f"{ISSUER}/token"})
    with pytest.raises(DiscoveryError, match="metadata has no 'issuer'"):
        discover(ISSUER)


def test_http_endpoint_on_a_public_host_rejected(http: Any) -> None:
    http.get(OIDC_URL, json=document(token_endpoint="http://as.example/token"))
    with pytest.raises(DiscoveryError) as caught:
        discover(ISSUER)
    message = str(caught.value)
    assert "token_endpoint 'http://as.example/token' uses plain http" in message
    assert OIDC_URL in message


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("/token", "not an absolute https URL"),
        ("token.example/x", "not an absolute https URL"),
        ("javascript:alert(1)", "not an absolute https URL"),
        ("https://as.example/token#frag", "must not have a fragment"),
        (42, "must be a URL string, not a number"),
        (["https://as.example/t"], "must be a URL string, not an array"),
    ],
)
def test_bad_endpoint_values(http: Any, value: object, problem: str) -> None:
    http.get(OIDC_URL, json=document(revocation_endpoint=value))
    with pytest.raises(DiscoveryError, match="revocation_endpoint") as caught:
        discover(ISSUER)
    assert problem in str(caught.value)


@pytest.mark.parametrize("value", ["S256", ["S256", 1], {"S256": True}, [None], 7, True])
def test_list_field_of_wrong_type(http: Any, value: object) -> None:
    http.get(OIDC_URL, json=document(code_challenge_methods_supported=value))
    with pytest.raises(DiscoveryError) as caught:
        discover(ISSUER)
    assert "code_challenge_methods_supported must be a JSON array of strings" in str(caught.value)


def test_invalid_json(http: Any) -> None:
    http.get(
        OIDC_URL,
        text="{not json " + BODY_MARKER,
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(DiscoveryError) as caught:
        discover(ISSUER)
    message = str(caught.value)
    assert f"{OIDC_URL} answered HTTP 200 with a body that is not JSON" in message
    assert "application/json" in message
    assert BODY_MARKER not in message


def test_json_that_is_not_an_object(http: Any) -> None:
    http.get(OIDC_URL, text=json.dumps([document()]))
    with pytest.raises(DiscoveryError, match="JSON an array, not an object"):
        discover(ISSUER)


def test_html_500_stops_without_dumping_the_body(http: Any) -> None:
    html = f"<html><body><h1>Internal error</h1>{BODY_MARKER}</body></html>"
    http.get(
        OIDC_URL,
        status_code=500,
        reason="Internal Server Error",
        text=html,
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    http.get(RFC8414_URL, json=document())
    with pytest.raises(DiscoveryError) as caught:
        discover(ISSUER)
    message = str(caught.value)
    assert f"{OIDC_URL} answered HTTP 500 Internal Server Error" in message
    assert "text/html" in message
    assert f"{len(html)} bytes" in message
    assert BODY_MARKER not in message
    assert "<html>" not in message
    assert http.call_count == 1
    assert caught.value.urls_tried == (OIDC_URL,)


def test_error_after_a_404_names_both_urls(http: Any) -> None:
    http.get(OIDC_URL, status_code=404)
    http.get(RFC8414_URL, status_code=503, reason="Service Unavailable")
    with pytest.raises(DiscoveryError) as caught:
        discover(ISSUER)
    message = str(caught.value)
    assert f"{OIDC_URL} answered HTTP 404; {RFC8414_URL} answered HTTP 503" in message


@pytest.mark.parametrize(
    ("exc", "problem"),
    [
        (requests.ConnectionError("connection refused"), "ConnectionError: connection refused"),
        (requests.ConnectTimeout("slow"), "timed out"),
        (requests.ReadTimeout("slow"), "timed out"),
    ],
)
def test_network_errors(http: Any, exc: Exception, problem: str) -> None:
    http.get(OIDC_URL, exc=exc)
    with pytest.raises(DiscoveryError) as caught:
        discover(ISSUER)
    message = str(caught.value)
    assert f"could not fetch {OIDC_URL}" in message
    assert problem in message
    assert caught.value.__cause__ is exc


def test_redirect_to_plain_http_rejected(http: Any) -> None:
    http.get(OIDC_URL, status_code=302, headers={"Location": "http://as.example/meta"})
    http.get("http://as.example/meta", json=document())
    with pytest.raises(DiscoveryError, match=r"redirected to insecure http://as\.example/meta"):
        discover(ISSUER)

    assert not [r for r in http.request_history if r.url.startswith("http://")]


def test_same_origin_https_redirects_are_followed_hop_by_hop(http: Any) -> None:
    http.get(OIDC_URL, status_code=301, headers={"Location": "https://as.example/meta"})
    # An explicit default port is the same origin.
    http.get(
        "https://as.example/meta",
        status_code=308,
        headers={"Location": "https://as.example:443/v2"},
    )
    http.get("https://as.example:443/v2", json=document())
    assert discover(ISSUER).issuer == ISSUER
    assert [r.url for r in http.request_history] == [
        OIDC_URL,
        "https://as.example/meta",
        "https://as.example:443/v2",
    ]


@pytest.mark.parametrize(
    "target",
    [
        "https://cdn.as.example/meta",  # another host, even a subdomain
        "https://as.example:8443/meta",  # another port
        "https://evil.example/.well-known/openid-configuration",
    ],
)
def test_cross_origin_redirect_is_refused(http: Any, target: str) -> None:
    http.get(OIDC_URL, status_code=302, headers={"Location": target})
    http.get(target, json=document())
    with pytest.raises(DiscoveryError, match="discovery follows same-origin redirects only"):
        discover(ISSUER)
    assert [r.url for r in http.request_history] == [OIDC_URL]


def test_every_hop_is_checked(http: Any) -> None:
    http.get(OIDC_URL, status_code=307, headers={"Location": "https://as.example/hop"})
    http.get(
        "https://as.example/hop", status_code=307, headers={"Location": "https://evil.example/m"}
    )
    http.get("https://evil.example/m", json=document())
    with pytest.raises(DiscoveryError, match=r"as\.example/hop redirected to 'https://evil"):
        discover(ISSUER)
    assert not [r for r in http.request_history if "evil" in r.url]


def test_loopback_http_redirect_within_the_origin_is_followed(http: Any) -> None:
    issuer = "http://127.0.0.1:8080"
    http.get(
        f"{issuer}{'/.well-known/openid-configuration'}",
        status_code=302,
        headers={"Location": "/meta"},
    )
    http.get(f"{issuer}/meta", json=document(issuer, token_endpoint=f"{issuer}/token"))
    assert discover(issuer).token_endpoint == f"{issuer}/token"


def test_redirect_chains_are_cut_after_five_hops(http: Any) -> None:
    for hop in range(6):
        http.get(
            f"{ISSUER}/hop{hop}" if hop else OIDC_URL,
            status_code=302,
            headers={"Location": f"/hop{hop + 1}"},
        )
    http.get(f"{ISSUER}/hop5", json=document())  # five hops: still fine
    assert discover(ISSUER).issuer == ISSUER
    http.get(f"{ISSUER}/hop5", status_code=302, headers={"Location": "/hop6"})
    http.get(f"{ISSUER}/hop6", json=document())
    with pytest.raises(DiscoveryError, match="redirected more than 5 times"):
        discover(ISSUER)
    assert not [r for r in http.request_history if r.url.endswith("/hop6")]


def test_redirect_without_location_is_an_error(http: Any) -> None:
    http.get(OIDC_URL, status_code=302)
    with pytest.raises(DiscoveryError, match="answered HTTP 302 without a Location"):
        discover(ISSUER)


# -- discover: document limits ----------------------------------------------------------------


class _LargeBody(io.RawIOBase):
    """16 MiB of spaces; counts what was read from it."""

    def __init__(self) -> None:
        self.left = 16 * MAX_DOCUMENT_BYTES
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = min(len(buffer), self.left)
        memoryview(buffer)[:size] = b" " * size
        self.left -= size
        self.read_bytes += size
        return size


def test_document_over_one_mebibyte_is_refused_while_streaming(http: Any) -> None:
    body = _LargeBody()
    http.get(OIDC_URL, body=body)
    with pytest.raises(DiscoveryError, match="larger than 1048576 bytes"):
        discover(ISSUER)
    assert body.read_bytes < 2 * MAX_DOCUMENT_BYTES


def test_declared_oversized_document_is_refused_unread(http: Any) -> None:
    body = _LargeBody()
    http.get(OIDC_URL, body=body, headers={"Content-Length": str(50 * MAX_DOCUMENT_BYTES)})
    with pytest.raises(DiscoveryError, match="larger than"):
        discover(ISSUER)
    assert body.read_bytes == 0


def test_document_just_under_the_cap_is_read(http: Any) -> None:
    room = MAX_DOCUMENT_BYTES - len(json.dumps(document(padding="")))
    text = json.dumps(document(padding="x" * room))
    assert len(text) == MAX_DOCUMENT_BYTES
    http.get(OIDC_URL, text=text)
    assert discover(ISSUER).raw["padding"].startswith("xxx")


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [MAX_NESTING, 100_000])
def test_deep_nesting_is_a_discovery_error(http: Any, depth: int) -> None:
    # The document object itself is one level: `depth` more inside it pass the cap.
    http.get(OIDC_URL, text=f'{{"issuer": "{ISSUER}", "x": {nested(depth)}}}')
    with pytest.raises(DiscoveryError, match="nested deeper than 32 levels"):
        discover(ISSUER)


def test_nesting_up_to_the_cap_and_brackets_in_strings_are_fine(http: Any) -> None:
    brackets = '[{\\"' * 50
    http.get(
        OIDC_URL,
        text=f'{{"issuer": "{ISSUER}", "x": {nested(MAX_NESTING - 1)}, "s": "{brackets}"}}',
    )
    raw = discover(ISSUER).raw
    assert raw["s"] == '[{"' * 50


# -- from_document --------------------------------------------------------------------------------


def test_from_document_directly() -> None:
    metadata = ServerMetadata.from_document(document(), expected_issuer=ISSUER)
    assert metadata.token_endpoint == f"{ISSUER}/token"
    assert metadata == ServerMetadata.from_document(document(), expected_issuer=ISSUER)


@pytest.mark.parametrize("value", [[1, 2], "text", None, 3])
def test_from_document_needs_an_object(value: Any) -> None:
    with pytest.raises(DiscoveryError, match="must be a JSON object"):
        ServerMetadata.from_document(value, expected_issuer=ISSUER)


def test_from_document_bounds_untrusted_values_in_messages() -> None:
    long_issuer = "https://evil.example/" + "x" * 5000
    with pytest.raises(DiscoveryError) as caught:
        ServerMetadata.from_document(document(long_issuer), expected_issuer=ISSUER)
    assert len(str(caught.value)) < 400


def test_default_construction() -> None:
    metadata = ServerMetadata(issuer=ISSUER)
    assert metadata.token_endpoint is None
    assert dict(metadata.raw) == {}
