"""``client_auth: public_basic`` (Reddit's installed apps) and ``{client_secret}`` in API headers
(Etsy's x-api-key): where each secret may and may not go."""

from __future__ import annotations

import pytest
import requests_mock

from generator.spec import SpecValidationError
from tests.support.http import basic, form

from .support import inline_spec, oauth2_class
from .test_token_request import exchange, provider_for

SECRET_HEADER_SPEC = """\
api:
  base_url: https://api.acme.example/v3
  headers:
    x-api-key: "{client_id}:{client_secret}"
"""


def test_public_basic_without_a_secret_sends_the_id_and_an_empty_password() -> None:
    sent = exchange(provider_for("token:\n  client_auth: public_basic\n", client_secret=None))
    assert sent.headers["Authorization"] == basic("cid", "")
    assert "client_secret" not in form(sent.text)


def test_public_basic_with_a_secret_is_ordinary_basic() -> None:
    sent = exchange(provider_for("token:\n  client_auth: public_basic\n"))
    assert sent.headers["Authorization"] == basic("cid", "sec")


def _etsyish() -> object:
    return oauth2_class(inline_spec(SECRET_HEADER_SPEC))(
        client_id="keystring",
        client_secret="shared-secret",
        token={"access_token": "at", "token_type": "Bearer"},
    )


def test_the_client_secret_header_goes_to_the_api_host() -> None:
    client: object = _etsyish()
    with requests_mock.Mocker() as mock:
        mock.get("https://api.acme.example/v3/users/me", json={})
        client.session.get("https://api.acme.example/v3/users/me")  # type: ignore[attr-defined]
    assert mock.last_request.headers["x-api-key"] == "keystring:shared-secret"


def test_the_client_secret_header_never_goes_to_another_host() -> None:
    client: object = _etsyish()
    with requests_mock.Mocker() as mock:
        mock.get("https://elsewhere.example/collect", json={})
        client.session.get("https://elsewhere.example/collect")  # type: ignore[attr-defined]
    assert "x-api-key" not in mock.last_request.headers


def test_the_client_secret_header_is_dropped_on_a_redirect_to_another_host() -> None:
    client: object = _etsyish()
    with requests_mock.Mocker() as mock:
        mock.get(
            "https://api.acme.example/v3/moved",
            status_code=302,
            headers={"Location": "https://elsewhere.example/landing"},
        )
        mock.get("https://elsewhere.example/landing", json={})
        client.session.get("https://api.acme.example/v3/moved")  # type: ignore[attr-defined]
    assert mock.request_history[-1].url.startswith("https://elsewhere.example/")
    assert "x-api-key" not in mock.request_history[-1].headers


@pytest.mark.parametrize(
    "misplaced",
    [
        "api:\n  base_url: https://api.acme.example\n  query:\n    key: '{client_secret}'\n",
        "userinfo:\n  headers:\n    x-key: '{client_secret}'\n  fields:\n    id: {type: str}\n",
        "token:\n  params:\n    extra: '{client_secret}'\n",
    ],
)
def test_the_client_secret_placeholder_is_refused_outside_api_headers(misplaced: str) -> None:
    with pytest.raises(SpecValidationError) as raised:
        inline_spec(misplaced)
    assert "{client_secret} is not available here" in str(raised.value)
