"""The device flow's polling loop (RFC 8628 §3.4, §3.5), as a flow."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from ..device import DEVICE_CODE_GRANT_TYPE, DeviceFlowCancelled
from ..errors import AuthorizationPendingError, ExpiredTokenError, SlowDownError
from .flow import Flow, T, exchange
from .http import Call, Response, Wait

SLOW_DOWN_STEP = 5  # RFC 8628 §3.5: add 5 seconds to the interval on every slow_down
DEFAULT_INTERVAL = 5  # RFC 8628 §3.2: when the server sends no interval
DEFAULT_EXPIRES_IN = 1800  # when nothing says how long the device code lives


def poll_device_token(
    device_code: str,
    token_call: Callable[[Mapping[str, str]], Call],
    read: Callable[[Response], T],
    *,
    interval: float | None = None,
    expires_in: float | None = None,
    clock: Callable[[], float] = time.time,
    grant_type: str = DEVICE_CODE_GRANT_TYPE,
    code_param: str = "device_code",
) -> Flow[T]:
    """The device flow's token requests (RFC 8628 §3.4): the device code grant, sent as
    ``token_call`` makes a token-endpoint call of its parameters (client authentication
    included) and read by ``read``, polled as :func:`poll_device` says. A provider may name
    the grant and the code parameter its own way."""
    grant = {"grant_type": grant_type, code_param: device_code}
    return poll_device(
        lambda: exchange(token_call(grant), read),
        interval=interval or DEFAULT_INTERVAL,
        expires_in=expires_in or DEFAULT_EXPIRES_IN,
        clock=clock,
    )


def poll_device(
    attempt: Callable[[], Flow[T]],
    *,
    interval: float,
    expires_in: float,
    clock: Callable[[], float] = time.time,
) -> Flow[T]:
    """Run ``attempt`` (one token request) every ``interval`` seconds until it returns.

    ``authorization_pending`` keeps polling, ``slow_down`` adds 5 seconds to the interval,
    any other error (``access_denied``, ``expired_token``...) ends the flow with it. Gives up
    with ``ExpiredTokenError`` once ``expires_in`` has passed, and with
    ``DeviceFlowCancelled`` when the driver reports a wait as cancelled.
    """
    deadline = clock() + expires_in
    while True:
        cancelled = yield Wait(interval)
        if cancelled:
            raise DeviceFlowCancelled(description="device flow cancelled while waiting")
        if clock() >= deadline:
            raise ExpiredTokenError(
                description=f"the device code expired after {expires_in:g} s without approval"
            )
        try:
            return (yield from attempt())
        except AuthorizationPendingError:
            continue
        except SlowDownError:
            interval += SLOW_DOWN_STEP


def cancellable_wait(
    cancel: threading.Event | None = None, sleep: Callable[[float], object] | None = None
) -> Callable[[float], bool]:
    """A blocking ``wait`` for :func:`~runtime.core.flow.run`: ``sleep`` (or ``time.sleep``),
    or waiting on ``cancel`` so that setting it ends the wait at once; True when cancelled."""

    def wait(seconds: float) -> bool:
        if sleep is not None:
            sleep(seconds)
            return cancel is not None and cancel.is_set()
        if cancel is not None:
            return cancel.wait(seconds)
        time.sleep(seconds)
        return False

    return wait
