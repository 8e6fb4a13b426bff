"""RFC 8628 device authorization grant: the authorization answer and the polling loop."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypedDict

from oauthlib.oauth2.rfc6749.errors import OAuth2Error
from typing_extensions import NotRequired

from .errors import AuthorizationPendingError, ExpiredTokenError, SlowDownError

DEVICE_CODE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"
DEFAULT_INTERVAL = 5
SLOW_DOWN_STEP = 5  # RFC 8628 §3.5: add 5 seconds to the interval on every slow_down


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


def poll_for_token(
    request_token: Callable[[], dict[str, Any]],
    *,
    interval: int,
    expires_in: int,
    clock: Callable[[], float] = time.time,
    cancel: threading.Event | None = None,
    sleep: Callable[[float], object] | None = None,
) -> dict[str, Any]:
    """Call ``request_token`` every ``interval`` seconds until it returns a token.

    ``authorization_pending`` keeps polling, ``slow_down`` adds 5 seconds to the interval,
    anything else (``access_denied``, ``expired_token``...) propagates as its typed error.
    Gives up with ``ExpiredTokenError`` once ``expires_in`` has passed, and with
    ``DeviceFlowCancelled`` as soon as ``cancel`` is set.
    """
    deadline = clock() + expires_in
    while True:
        if _wait(interval, cancel, sleep):
            raise DeviceFlowCancelled(description="device flow cancelled while waiting")
        if clock() >= deadline:
            raise ExpiredTokenError(
                description=f"the device code expired after {expires_in} s without approval"
            )
        try:
            return request_token()
        except AuthorizationPendingError:
            continue
        except SlowDownError:
            interval += SLOW_DOWN_STEP


def _wait(
    seconds: float, cancel: threading.Event | None, sleep: Callable[[float], object] | None
) -> bool:
    """Wait ``seconds``; True when cancelled."""
    if sleep is not None:
        sleep(seconds)
        return cancel is not None and cancel.is_set()
    if cancel is not None:
        return cancel.wait(seconds)
    time.sleep(seconds)
    return False
