"""Flows and the drivers that run them.

A flow is a generator: it yields a :class:`~runtime.core.http.Call` and receives the answer,
or yields a :class:`~runtime.core.http.Wait` and receives whether the wait was cancelled, and
finally returns its result. It never touches the network itself, so one flow serves every
transport: :func:`run` drives it with blocking functions, :func:`run_async` with coroutines,
and a test drives it by hand (``flow.send(answer)``) with no HTTP at all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from typing import Any, TypeVar

from .http import Call, Response, Wait

T = TypeVar("T")
Step = Call | Wait
Flow = Generator[Step, Any, T]
"""A flow returning ``T``: it receives a ``Response`` for a ``Call``, a bool for a ``Wait``."""


def exchange(call: Call, read: Callable[[Response], T]) -> Flow[T]:
    """Send ``call`` and return what ``read`` makes of the answer (a token, an error)."""
    response: Response = yield call
    return read(response)


def run(
    flow: Flow[T],
    send: Callable[[Call], Response],
    wait: Callable[[float], bool] | None = None,
) -> T:
    """Drive ``flow`` to its result with ``send`` (one call, one answer) and ``wait``
    (sleep ``seconds``; True when cancelled). A flow that waits needs ``wait``."""
    answer: Any = None
    while True:
        try:
            step = flow.send(answer)
        except StopIteration as done:
            result: T = done.value
            return result
        if isinstance(step, Wait):
            if wait is None:
                flow.close()
                raise TypeError("this flow waits between calls: pass wait= to run()")
            answer = wait(step.seconds)
        else:
            answer = send(step)


async def run_async(
    flow: Flow[T],
    send: Callable[[Call], Awaitable[Response]],
    wait: Callable[[float], Awaitable[bool]] | None = None,
) -> T:
    """:func:`run` for an asynchronous transport: ``send`` and ``wait`` are coroutines."""
    answer: Any = None
    while True:
        try:
            step = flow.send(answer)
        except StopIteration as done:
            result: T = done.value
            return result
        if isinstance(step, Wait):
            if wait is None:
                flow.close()
                raise TypeError("this flow waits between calls: pass wait= to run_async()")
            answer = await wait(step.seconds)
        else:
            answer = await send(step)
