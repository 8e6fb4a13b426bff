"""Device authorization with renamed answer fields, default interval, polling."""

from __future__ import annotations

import threading

import pytest
import requests_mock
from oauthlib.oauth2.rfc8628.errors import AccessDenied

from runtime.device import DeviceAuthorization, DeviceFlowCancelled
from runtime.provider import OAuth2Provider
from tests.support.clocks import Clock
from tests.support.http import form

from .support import inline_spec, oauth2_class

ENDPOINTS = """\
endpoints:
  authorize: https://auth.acme.example/authorize
  token: https://auth.acme.example/token
  device: https://auth.acme.example/device
"""
DEVICE = """\
grants: [authorization_code, device_code]
scopes:
  separator: ","
  known: {repo: r, user: u}
device:
  client_auth: none
  grant_type: device_code
  response_paths: {verification_uri: verification_url, user_code: codes.user}
  default_interval: 7
"""
TOKEN_URL = "https://auth.acme.example/token"


def provider_for(clock: Clock | None = None) -> OAuth2Provider:
    spec = inline_spec(DEVICE, endpoints=ENDPOINTS)
    return oauth2_class(spec)(client_id="cid", client_secret="sec", clock=clock or Clock())


def test_device_authorization_maps_fields_and_defaults_the_interval() -> None:
    provider = provider_for()
    with requests_mock.Mocker() as m:
        m.post(
            "https://auth.acme.example/device",
            json={
                "device_code": "D",
                "codes": {"user": "U-1"},
                "verification_url": "https://v",
                "expires_in": 900,
            },
        )
        device = provider._device_authorization(scopes=["repo", "user"])
        assert form(m.last_request.text) == {"scope": ["repo,user"], "client_id": ["cid"]}
        assert "Authorization" not in m.last_request.headers
    assert device == {
        "device_code": "D",
        "user_code": "U-1",
        "verification_uri": "https://v",
        "expires_in": 900,
        "interval": 7,
    }


def test_polling_until_approved_with_slow_down() -> None:
    clock = Clock(0)
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.now += seconds

    provider = provider_for(clock)
    device: DeviceAuthorization = {
        "device_code": "D",
        "user_code": "U",
        "verification_uri": "https://v",
        "expires_in": 900,
        "interval": 5,
    }
    with requests_mock.Mocker() as m:
        m.post(
            TOKEN_URL,
            [
                {"json": {"error": "authorization_pending"}},
                {"status_code": 400, "json": {"error": "slow_down"}},
                {"json": {"access_token": "at", "expires_in": 60}},
            ],
        )
        token = provider._poll_device_token(device, sleep=sleep)
        assert form(m.last_request.text) == {
            "grant_type": ["device_code"],
            "device_code": ["D"],
            "client_id": ["cid"],
        }
    assert waits == [5, 5, 10]
    assert token["access_token"] == "at" and (provider.token or {})["access_token"] == "at"


def test_polling_denied_and_cancelled() -> None:
    provider = provider_for(Clock(0))
    device: DeviceAuthorization = {
        "device_code": "D",
        "user_code": "U",
        "verification_uri": "https://v",
        "expires_in": 900,
        "interval": 1,
    }
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"error": "access_denied"})
        with pytest.raises(AccessDenied):
            provider._poll_device_token(device, sleep=lambda s: None)
        cancel = threading.Event()
        cancel.set()
        with pytest.raises(DeviceFlowCancelled):
            provider._poll_device_token(device, cancel=cancel, sleep=lambda s: None)


def test_the_poll_can_name_the_device_code_as_the_provider_does() -> None:
    spec = inline_spec(
        DEVICE.replace("  default_interval: 7\n", "  code_param: code\n"), endpoints=ENDPOINTS
    )
    provider = oauth2_class(spec)(client_id="cid", client_secret="sec", clock=Clock())
    device: DeviceAuthorization = {
        "device_code": "D-9",
        "user_code": "U",
        "verification_uri": "https://v",
        "expires_in": 900,
        "interval": 1,
    }
    with requests_mock.Mocker() as m:
        m.post(TOKEN_URL, json={"access_token": "at"})
        provider._poll_device_token(device, sleep=lambda seconds: None)
        sent = form(m.last_request.text)
    assert sent["code"] == ["D-9"] and "device_code" not in sent
    assert sent["grant_type"] == ["device_code"]
