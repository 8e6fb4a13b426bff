"""Checks of the harness itself: the device-flow user helper against the real server.

The client side here is plain ``requests`` on purpose: these tests prove the helper drives
oidc-provider's device pages, so flow tests can rely on it.
"""

from __future__ import annotations

from typing import Any, cast

import requests

from .harness import DEVICE_CLIENT_ID, HTTP_TIMEOUT, HeadlessUser, RunningServer, parse_forms

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def _poll(server: RunningServer, device_code: str) -> tuple[int, dict[str, Any]]:
    response = requests.post(
        server.token_endpoint,
        data={
            "grant_type": DEVICE_GRANT,
            "device_code": device_code,
            "client_id": DEVICE_CLIENT_ID,
        },
        timeout=HTTP_TIMEOUT,
    )
    return response.status_code, cast(dict[str, Any], response.json())


def _start_device_authorization(server: RunningServer) -> dict[str, Any]:
    response = requests.post(
        server.device_authorization_endpoint,
        data={"client_id": DEVICE_CLIENT_ID, "scope": "openid"},
        timeout=HTTP_TIMEOUT,
    )
    assert response.status_code == 200, response.text
    return cast(dict[str, Any], response.json())


def test_headless_user_approves_a_device_code(oidc_server: RunningServer) -> None:
    started = _start_device_authorization(oidc_server)
    assert started["verification_uri"] == f"{oidc_server.issuer}/device"
    status, pending = _poll(oidc_server, started["device_code"])
    assert (status, pending["error"]) == (400, "authorization_pending")

    user = HeadlessUser(login="device-owner")
    try:
        page = user.approve_device(started["verification_uri"], started["user_code"])
    finally:
        user.close()

    assert "Sign-in Success" in page
    status, token = _poll(oidc_server, started["device_code"])
    assert status == 200, token
    assert token["token_type"] == "Bearer"
    info = requests.get(
        oidc_server.userinfo_endpoint,
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=HTTP_TIMEOUT,
    )
    assert info.json() == {"sub": "device-owner"}


def test_headless_user_follows_verification_uri_complete(oidc_server: RunningServer) -> None:
    started = _start_device_authorization(oidc_server)
    user = HeadlessUser(login="carol")
    try:
        user.approve_device(started["verification_uri_complete"], started["user_code"])
    finally:
        user.close()

    status, token = _poll(oidc_server, started["device_code"])
    assert status == 200, token
    assert token["access_token"]


def test_form_parser_keeps_hidden_fields_and_skips_buttons() -> None:
    html = """
    <form id="op.deviceConfirmForm" method="post" action="/device">
      <input type="hidden" name="xsrf" value="abc&amp;123"/>
      <input type="hidden" name="confirm" value="yes">
      <input type="submit" name="go" value="Go">
    </form>
    <button type="submit" form="op.deviceConfirmForm" value="yes" name="abort">Abort</button>
    """

    (form,) = parse_forms(html)

    assert form.method == "POST"
    assert form.action == "/device"
    assert form.fields == [("xsrf", "abc&123"), ("confirm", "yes")]
    assert form.data({"user_code": "ABCD-EFGH"}) == {
        "xsrf": "abc&123",
        "confirm": "yes",
        "user_code": "ABCD-EFGH",
    }
