"""RFC 8628 device authorization grant: the authorization answer (the polling loop is
``runtime.core.polling.poll_device``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from oauthlib.oauth2.rfc6749.errors import OAuth2Error
from typing_extensions import NotRequired

DEVICE_CODE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"
DEFAULT_INTERVAL = 5


class DeviceAuthorization(TypedDict):
    """What the device authorization endpoint answered (RFC 8628 §3.2)."""

    device_code: str
    user_code: str
    verification_uri: str
    expires_in: int
    interval: int
    verification_uri_complete: NotRequired[str]


class DeviceFlowCancelled(OAuth2Error):
    """Polling was stopped through the ``cancel`` event before the user finished."""

    error = "device_flow_cancelled"


class InvalidDeviceAuthorization(OAuth2Error):
    """The device authorization answer lacks a field RFC 8628 §3.2 requires."""

    error = "invalid_device_authorization"


def parse_device_authorization(params: Mapping[str, Any]) -> DeviceAuthorization:
    """Validate and normalise the answer; ``verification_url`` (Google) is accepted as an alias."""
    verification_uri = params.get("verification_uri") or params.get("verification_url")
    missing = [
        name
        for name, value in (
            ("device_code", params.get("device_code")),
            ("user_code", params.get("user_code")),
            ("verification_uri", verification_uri),
            ("expires_in", params.get("expires_in")),
        )
        if value in (None, "")
    ]
    if missing:
        raise InvalidDeviceAuthorization(
            description=f"device authorization answer lacks {', '.join(missing)}"
        )
    try:
        expires_in = int(params["expires_in"])
        interval = int(params.get("interval") or DEFAULT_INTERVAL)
    except (TypeError, ValueError):
        raise InvalidDeviceAuthorization(
            description="device authorization answer has non-numeric expires_in or interval"
        ) from None
    result = DeviceAuthorization(
        device_code=str(params["device_code"]),
        user_code=str(params["user_code"]),
        verification_uri=str(verification_uri),
        expires_in=expires_in,
        interval=max(interval, 1),
    )
    complete = params.get("verification_uri_complete") or params.get("verification_url_complete")
    if complete:
        result["verification_uri_complete"] = str(complete)
    return result
