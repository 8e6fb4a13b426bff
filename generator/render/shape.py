"""What a generated module may do when imported: define things, nothing else.

``check_module_shape`` walks the parsed module and allows only: a docstring, imports (also
under ``if TYPE_CHECKING:``), assignments of literals or type expressions, string
statements (attribute docstrings), and class definitions whose bodies hold docstrings,
annotations (valued by a name or a string at most) and undecorated functions with constant
defaults. Function bodies are not executed on import and are not restricted. No calls
happen at import except subscripting typing constructs; a spec that could make the module
do more fails the build.
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
        if not isinstance(base, ast.Name):
            raise _fail(base, "a computed base class")
    for keyword in node.keywords:
        if keyword.arg != "total" or not isinstance(keyword.value, ast.Constant):
            raise _fail(keyword.value, "a class keyword other than total=")
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
