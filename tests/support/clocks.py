"""A clock that stands still until a test moves it."""

from __future__ import annotations


class Clock:
    """Callable returning ``now``; set ``clock.now`` to move time."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
