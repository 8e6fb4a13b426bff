"""Shared timing helpers for the benchmark scripts (best-of-N, per-call microseconds)."""

from __future__ import annotations

import os
import timeit
from collections.abc import Callable

# OAUTHGEN_BENCH_QUICK=1: a few calls per measure, to check that a script runs (the docs'
# tests do); its figures mean nothing.
QUICK = os.environ.get("OAUTHGEN_BENCH_QUICK") == "1"


def scaled(number: int, repeat: int) -> tuple[int, int]:
    """``number`` calls, ``repeat`` runs; 1/1000 of the calls and one run under QUICK."""
    return (max(1, number // 1000), 1) if QUICK else (number, repeat)


def per_call_us(func: Callable[[], object], number: int, repeat: int = 7) -> float:
    """Best per-call time in microseconds over ``repeat`` runs of ``number`` calls."""
    number, repeat = scaled(number, repeat)
    func()  # warm caches and lazy imports outside the timed runs
    return min(timeit.repeat(func, number=number, repeat=repeat)) / number * 1e6


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def interleaved_us(
    funcs: dict[str, Callable[[], object]], number: int, repeat: int = 7
) -> dict[str, float]:
    """Best per-call microseconds of each function, the runs taken in turns.

    For measures that go through the network stack (even loopback): a burst of noise from
    another job on the machine then hits every candidate of a round, not one of them.
    """
    number, repeat = scaled(number, repeat)
    for func in funcs.values():
        func()  # warm caches, lazy imports and kept-alive connections
    best = dict.fromkeys(funcs, float("inf"))
    for _ in range(repeat):
        for name, func in funcs.items():
            elapsed = timeit.timeit(func, number=number)
            best[name] = min(best[name], elapsed / number * 1e6)
    return best
