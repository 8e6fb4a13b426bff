"""The intermediate representation a template sees: frozen, ordered, and only rendered text.

Every string field is a ``Rendered`` value (identifiers checked, literals through ``repr``,
docstrings through the one escaper, expressions laid out by ``render.layout``); booleans only
steer ``{% if %}``. Construction checks this, so a builder bug fails here rather than in
the output. Templates import nothing from the spec.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..render.safe import Code, DocBlock, Identifier, UnsafeValueError, ensure_rendered


class _RenderedOnly:
    """Fields must be Rendered text, bools, IR nodes, or tuples of those."""

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            _check(getattr(self, field.name), f"{type(self).__name__}.{field.name}")


def _check(value: object, where: str) -> None:
    if isinstance(value, (bool, _RenderedOnly)):
        return
    if isinstance(value, tuple):
        for item in value:
            _check(item, where)
        return
    if isinstance(value, str):
        ensure_rendered(value)
        return
    raise UnsafeValueError(f"{where}: {type(value).__name__} is not allowed in the IR")


@dataclass(frozen=True)
class ImportSection(_RenderedOnly):
    """One isort section (stdlib, third party, first party); lines already sorted."""

    lines: tuple[Code, ...]


@dataclass(frozen=True)
class Field(_RenderedOnly):
    declaration: Code
    """``name: Annotation`` laid out at the class body's indentation."""
    has_doc: bool
    docstring: DocBlock


@dataclass(frozen=True)
class TypedDictDef(_RenderedOnly):
    name: Identifier
    docstring: DocBlock
    fields: tuple[Field, ...]
    shape: Code
    """``_X_SHAPE: Final[Shape[X]] = Shape("X", {key: (kind, required)})``, the class described
    to the runtime's checker."""


@dataclass(frozen=True)
class ConstantsClass(_RenderedOnly):
    """A plain class whose body is ``NAME: Final = "literal"`` lines, each documented."""

    name: Identifier
    docstring: DocBlock
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Method(_RenderedOnly):
    signature: Code
    """``def name(...) -> T:`` laid out at the method's indentation."""
    docstring: DocBlock
    body: Code
    """The one statement of the body, laid out at the body's indentation."""


@dataclass(frozen=True)
class ClientClass(_RenderedOnly):
    name: Identifier
    base: Code
    """``OAuth2Provider[<Name>Token]``"""
    token_shape: Code
    """``_token_shape: ClassVar[Shape[<Name>Token]] = _TOKEN_SHAPE``: what each token the
    runtime installs is checked against."""
    docstring: DocBlock
    methods: tuple[Method, ...]
    """``__init__`` first, then the flows in a fixed order, exchanges sorted by name."""


@dataclass(frozen=True)
class ModuleIR(_RenderedOnly):
    header: Code
    docstring: DocBlock
    imports: tuple[ImportSection, ...]
    has_type_checking: bool
    type_checking_imports: tuple[ImportSection, ...]
    exports: Code
    """``__all__ = [...]``"""
    has_scope: bool
    scope_alias: Code
    scope_docstring: DocBlock
    has_scope_constants: bool
    scope_constants: ConstantsClass
    """``Scopes``: one ``Final`` constant per known scope, for editors that cannot complete
    ``Literal`` values; empty when the spec lists no scopes."""
    typed_dicts: tuple[TypedDictDef, ...]
    spec_constant: Code
    """``_SPEC: Final[RuntimeSpec] = {...}``"""
    client: ClientClass
