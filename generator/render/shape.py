"""What a generated module may do when imported: define things, nothing else.

``check_module_shape`` walks the parsed module and allows only: a docstring, imports (also
under ``if TYPE_CHECKING:``), assignments of literals or type expressions, string
statements (attribute docstrings), class definitions (bases: names, or a name subscripted by
names; keywords: ``total=`` a constant, ``spec=_SPEC``) whose bodies hold docstrings,
annotations (valued by a name or a string at most) and undecorated functions with constant
defaults, and ``Shape("Name", {"key": (kind, required)})`` descriptions of the module's
TypedDicts (a kind: a string, or the name of another shape).
Function bodies are not executed on import and are not restricted. No other calls happen at
import except subscripting typing constructs; a spec that could make the module do more fails
the build.
"""

from __future__ import annotations

import ast

_TYPE_OPS = (ast.BitOr,)


class ShapeError(ValueError):
    """The generated module would do more on import than define names."""


def check_module_shape(tree: ast.Module) -> None:
    body = list(tree.body)
    if not body or not _is_docstring(body[0]):
        raise ShapeError("the module must start with its docstring")
    for statement in body[1:]:
        _module_statement(statement)


def _fail(node: ast.AST, what: str) -> ShapeError:
    line = getattr(node, "lineno", "?")
    return ShapeError(f"line {line}: {what} ({type(node).__name__}) is not allowed at import")


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _module_statement(node: ast.stmt) -> None:
    if isinstance(node, (ast.Import, ast.ImportFrom)) or _is_docstring(node):
        return
    if isinstance(node, ast.If):
        if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
            raise _fail(node, "an if other than `if TYPE_CHECKING:`")
        if node.orelse or not all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in node.body):
            raise _fail(node, "anything but imports under TYPE_CHECKING")
        return
    if isinstance(node, ast.Assign):
        if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
            raise _fail(node, "an assignment to anything but one name")
        _value(node.value)
        return
    if isinstance(node, ast.AnnAssign):
        if not isinstance(node.target, ast.Name) or node.value is None:
            raise _fail(node, "an annotated statement that is not a plain definition")
        _type_expression(node.annotation)
        if _is_shape_call(node.value):
            _shape(node.value)
        else:
            _value(node.value)
        return
    if isinstance(node, ast.ClassDef):
        _class(node)
        return
    raise _fail(node, "a statement")


def _class(node: ast.ClassDef) -> None:
    if node.decorator_list:
        raise _fail(node, "a class decorator")
    for base in node.bases:
        if isinstance(base, ast.Subscript) and isinstance(base.value, ast.Name):
            parameters = base.slice.elts if isinstance(base.slice, ast.Tuple) else [base.slice]
            if all(isinstance(parameter, ast.Name) for parameter in parameters):
                continue
        if not isinstance(base, ast.Name):
            raise _fail(base, "a computed base class")
    for keyword in node.keywords:
        if keyword.arg == "total" and isinstance(keyword.value, ast.Constant):
            continue
        given = keyword.value
        if keyword.arg == "spec" and isinstance(given, ast.Name) and given.id == "_SPEC":
            continue
        raise _fail(keyword.value, "a class keyword other than total= and spec=_SPEC")
    for statement in node.body:
        if _is_docstring(statement):
            continue
        if isinstance(statement, ast.AnnAssign):
            if not isinstance(statement.target, ast.Name):
                raise _fail(statement, "an annotation of anything but a name")
            _type_expression(statement.annotation)
            value = statement.value
            if not (value is None or isinstance(value, ast.Name) or _is_string(value)):
                raise _fail(statement, "a class attribute that is not a name or a string")
            continue
        if isinstance(statement, ast.FunctionDef):
            _function(statement)
            continue
        raise _fail(statement, "a class body statement")


def _function(node: ast.FunctionDef) -> None:
    if node.decorator_list:
        raise _fail(node, "a decorator")
    arguments = node.args
    for default in [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]:
        if not (isinstance(default, ast.Constant) or _is_negative_number(default)):
            raise _fail(default, "a default that is not a constant")
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    if arguments.vararg or arguments.kwarg:
        raise _fail(node, "*args / **kwargs")
    for argument in every:
        if argument.annotation is not None:
            _type_expression(argument.annotation)
    if node.returns is not None:
        _type_expression(node.returns)


def _is_shape_call(node: ast.expr) -> bool:
    function = node.func if isinstance(node, ast.Call) else None
    return isinstance(function, ast.Name) and function.id == "Shape"


def _shape(node: ast.expr) -> None:
    """``Shape("Name", {"key": ("kind" | other_shape, True | False), ...})`` and nothing more."""
    assert isinstance(node, ast.Call)
    if node.keywords or len(node.args) != 2 or not _is_string(node.args[0]):
        raise _fail(node, "a Shape call other than Shape(name, fields)")
    fields = node.args[1]
    if not isinstance(fields, ast.Dict):
        raise _fail(fields, "Shape fields that are not a dict display")
    for key, value in zip(fields.keys, fields.values, strict=True):
        if key is None or not _is_string(key):
            raise _fail(value, "a Shape field name that is not a string")
        if not (isinstance(value, ast.Tuple) and len(value.elts) == 2):
            raise _fail(value, "a Shape field that is not (kind, required)")
        kind, required = value.elts
        if not (_is_string(kind) or isinstance(kind, ast.Name)):
            raise _fail(kind, "a Shape field kind that is not a string or a shape's name")
        if not (isinstance(required, ast.Constant) and isinstance(required.value, bool)):
            raise _fail(required, "a Shape field's required flag that is not True or False")


def _is_string(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _is_negative_number(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) in (int, float)
    )


def _value(node: ast.expr) -> None:
    """A right-hand side: a literal, a name, or a type expression."""
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        _type_expression(node)


def _type_expression(node: ast.expr) -> None:
    if isinstance(node, ast.Name):
        return
    if isinstance(node, ast.Constant):
        if node.value is None or isinstance(node.value, (str, int, bool)):
            return
        raise _fail(node, "a constant of this type in a type expression")
    if _is_negative_number(node):
        return  # Literal[-1]
    if isinstance(node, ast.Attribute):
        _type_expression(node.value)
        return
    if isinstance(node, ast.Subscript):
        _type_expression(node.value)
        _type_expression(node.slice)
        return
    if isinstance(node, (ast.Tuple, ast.List)):
        for element in node.elts:
            _type_expression(element)
        return
    if isinstance(node, ast.BinOp) and isinstance(node.op, _TYPE_OPS):
        _type_expression(node.left)
        _type_expression(node.right)
        return
    raise _fail(node, "an expression")
