"""Shared timing helpers for the benchmark scripts (best-of-N, per-call microseconds)."""

from __future__ import annotations

import timeit
from collections.abc import Callable


def per_call_us(func: Callable[[], object], number: int, repeat: int = 7) -> float:
    """Best per-call time in microseconds over ``repeat`` runs of ``number`` calls."""
    func()  # warm caches and lazy imports outside the timed runs
    return min(timeit.repeat(func, number=number, repeat=repeat)) / number * 1e6


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
