"""The core's flows stepped by hand: feed an answer, read the next request. No HTTP library
and no mock is involved; the same flows are then driven sync and async."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from oauthlib.oauth2.rfc6749.errors import AccessDeniedError, InvalidGrantError

from runtime.core.answers import read_answer
from runtime.core.flow import Flow, exchange, run, run_async
from runtime.core.http import Call, Response, Wait
from runtime.core.polling import SLOW_DOWN_STEP, cancellable_wait, poll_device, poll_device_token
from runtime.device import DeviceFlowCancelled
from runtime.errors import ExpiredTokenError
from tests.support.answers import Answer, json_answer
from tests.support.clocks import Clock

TOKEN_CALL = Call("POST", "https://as.example/token", {"grant_type": "client_credentials"})


def device_attempt() -> Flow[dict[str, Any]]:
    call = Call("POST", "https://as.example/token", {"device_code": "dc"})
    return exchange(call, read_answer)


def test_exchange_yields_its_call_and_returns_what_the_reader_makes_of_the_answer() -> None:
    flow = exchange(TOKEN_CALL, read_answer)
    assert next(flow) is TOKEN_CALL
    with pytest.raises(StopIteration) as done:
        flow.send(json_answer({"access_token": "at", "token_type": "Bearer"}))
    assert done.value.value == {"access_token": "at", "token_type": "Bearer"}


def test_exchange_raises_the_typed_error_of_an_error_answer() -> None:
    flow = exchange(TOKEN_CALL, read_answer)
    next(flow)
    with pytest.raises(InvalidGrantError):
        flow.send(json_answer({"error": "invalid_grant"}, status=400))


def test_polling_waits_the_interval_before_every_attempt_and_slows_down_when_told() -> None:
    clock = Clock()
    flow = poll_device(device_attempt, interval=5, expires_in=600, clock=clock)
    assert next(flow) == Wait(5)
    attempt = flow.send(False)
    assert isinstance(attempt, Call) and attempt.params == {"device_code": "dc"}
    assert flow.send(json_answer({"error": "authorization_pending"}, 400)) == Wait(5)
    flow.send(False)
    assert flow.send(json_answer({"error": "slow_down"}, 400)) == Wait(5 + SLOW_DOWN_STEP)
    flow.send(False)
    with pytest.raises(StopIteration) as done:
        flow.send(json_answer({"access_token": "at"}))
    assert done.value.value == {"access_token": "at"}


def test_polling_stops_with_the_servers_refusal() -> None:
    flow = poll_device(device_attempt, interval=1, expires_in=600, clock=Clock())
    next(flow)
    flow.send(False)
    with pytest.raises(AccessDeniedError):
        flow.send(json_answer({"error": "access_denied"}, 400))


def test_polling_gives_up_once_the_device_code_has_expired() -> None:
    clock = Clock()
    flow = poll_device(device_attempt, interval=5, expires_in=10, clock=clock)
    next(flow)
    flow.send(False)
    flow.send(json_answer({"error": "authorization_pending"}, 400))
    clock.now += 11
    with pytest.raises(ExpiredTokenError):
        flow.send(False)


def test_a_cancelled_wait_ends_polling_without_another_request() -> None:
    flow = poll_device(device_attempt, interval=5, expires_in=600, clock=Clock())
    next(flow)
    with pytest.raises(DeviceFlowCancelled):
        flow.send(True)


def test_run_drives_a_flow_with_blocking_functions() -> None:
    sent: list[Call] = []
    waits: list[float] = []
    answers = [
        json_answer({"error": "authorization_pending"}, 400),
        json_answer({"access_token": "at"}),
    ]

    def send(call: Call) -> Response:
        sent.append(call)
        return answers.pop(0)

    def wait(seconds: float) -> bool:
        waits.append(seconds)
        return False

    flow = poll_device(device_attempt, interval=3, expires_in=600, clock=Clock())
    assert run(flow, send, wait) == {"access_token": "at"}
    assert (len(sent), waits) == (2, [3, 3])


def test_run_refuses_a_waiting_flow_without_a_wait_function() -> None:
    flow = poll_device(device_attempt, interval=3, expires_in=600, clock=Clock())
    with pytest.raises(TypeError, match="wait="):
        run(flow, lambda call: Answer())


def test_run_async_drives_the_same_flow_with_coroutines() -> None:
    answers = [json_answer({"error": "slow_down"}, 400), json_answer({"access_token": "at"})]
    waits: list[float] = []

    async def send(call: Call) -> Response:
        await asyncio.sleep(0)
        return answers.pop(0)

    async def wait(seconds: float) -> bool:
        waits.append(seconds)
        return False

    flow = poll_device(device_attempt, interval=2, expires_in=600, clock=Clock())
    assert asyncio.run(run_async(flow, send, wait)) == {"access_token": "at"}
    assert waits == [2, 2 + SLOW_DOWN_STEP]


def test_cancellable_wait_returns_at_once_when_the_event_is_set() -> None:
    import threading

    cancel = threading.Event()
    cancel.set()
    assert cancellable_wait(cancel)(3600) is True
    slept: list[float] = []
    assert cancellable_wait(None, slept.append)(7) is False
    assert slept == [7]


def test_device_token_polling_sends_the_device_code_grant_until_approved() -> None:
    clock = Clock(1000.0)
    sent: list[dict[str, str]] = []

    def token_call(grant: Any) -> Call:
        sent.append(dict(grant))
        return Call("POST", "https://as.example/token", dict(grant))

    flow = poll_device_token(
        "dc", token_call, read_answer, clock=clock, grant_type="urn:x:device", code_param="code"
    )
    assert next(flow) == Wait(5)  # the RFC's interval when none was given
    clock.now += 5
    assert isinstance(flow.send(False), Call)
    assert flow.send(json_answer({"error": "authorization_pending"}, status=400)) == Wait(5)
    clock.now += 5
    flow.send(False)
    with pytest.raises(StopIteration) as done:
        flow.send(json_answer({"access_token": "at", "token_type": "Bearer"}))
    assert done.value.value["access_token"] == "at"
    assert sent == [{"grant_type": "urn:x:device", "code": "dc"}] * 2


def test_device_token_polling_gives_up_after_the_default_lifetime() -> None:
    clock = Clock(0.0)
    flow = poll_device_token("dc", lambda grant: Call("POST", "https://as.example/t"), read_answer,
                             clock=clock)  # fmt: skip
    next(flow)
    clock.now = 1800
    with pytest.raises(ExpiredTokenError, match="1800"):
        flow.send(False)
