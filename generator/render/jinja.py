"""The jinja environment for generated modules: strict, unescaped, and closed to raw strings.

``finalize`` runs on every ``{{ ... }}``; it lets through only ``Rendered`` values (made by
``generator.render``), so a template that prints a spec string, a number or anything else
fails the build instead of emitting it. Undefined names raise (``StrictUndefined``).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2

from .safe import Rendered, UnsafeValueError

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def only_rendered(value: object) -> Rendered:
    if isinstance(value, Rendered):
        return value
    if isinstance(value, jinja2.Undefined):
        str(value)  # StrictUndefined raises UndefinedError naming the missing attribute
    raise UnsafeValueError(
        f"template printed a {type(value).__name__} that was not rendered by "
        f"generator.render: {value!r:.80}"
    )


@functools.cache
def environment() -> jinja2.Environment:
    # Output is Python source, not HTML: escaping is the renderers' job, and finalize
    # enforces that it happened.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        finalize=only_rendered,
        autoescape=False,  # noqa: S701
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


def render_template(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
