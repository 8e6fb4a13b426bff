"""Units of the rendering layer: identifiers, literals, the docstring escaper, the layout,
the ``_SPEC`` literal renderer, the jinja guard, the logic-free templates and the import-time
shape check."""

from __future__ import annotations

import ast
import math
from pathlib import Path
from typing import Any

import jinja2
import jinja2.nodes as jn
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.ir.model import Field, ImportSection
from generator.render.docstrings import docstring, escape_doc_text
from generator.render.jinja import TEMPLATES, environment, only_rendered
from generator.render.layout import WIDTH, Atom, Group, Pair, Str, render
from generator.render.literal import render_literal
from generator.render.safe import (
    Code,
    DocBlock,
    Identifier,
    PyLiteral,
    Rendered,
    UnsafeValueError,
    code,
    identifier,
    join,
    literal,
)
from generator.render.shape import ShapeError, check_module_shape
from tests.generator.generation import GOLDEN, GOLDEN_FIXTURES

TRICKY_TEXT = [
    "",
    '"',
    "'",
    "\\",
    '"""',
    "'''",
    '""""""',
    'ends with "',
    "ends with \\",
    "\\\"\"\"'''",
    "{{ x }} {% if %} {# c #}",
    "# not a comment",
    "line\nbreak",
    "cr\rlf\r\n",
    "tab\there",
    "nul\x00 bell\x07 esc\x1b del\x7f",
    "sep\u2028par\u2029nel\x85",
    "naïve façade Ünïcödé 日本語 🎉",
    "lone \ud800 surrogate",
    "\\N{BULLET} \\x41 \\u0041",
    "import os; os.system('x')",
    '"""; import os; """',
    "def f(): pass",
    "a" * 300,
]

texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=()) | st.sampled_from("\"\\'\n{}#"),
    max_size=300,
) | st.sampled_from(TRICKY_TEXT)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=25,
)


# -- identifiers and literals ----------


@pytest.mark.parametrize("name", ["client", "_x", "Acme2", "match", "type"])
def test_identifier_accepts_names(name: str) -> None:
    assert identifier(name) == name
    assert type(identifier(name)) is Identifier


@pytest.mark.parametrize(
    "name", ["", "class", "None", "True", "1a", "a-b", "a b", "a.b", "naïve", "x\n", "a;b"]
)
def test_identifier_rejects(name: str) -> None:
    with pytest.raises(ValueError, match="identifier"):
        identifier(name)


@pytest.mark.parametrize("text", TRICKY_TEXT)
def test_string_literal_round_trips(text: str) -> None:
    rendered = literal(text)
    assert type(rendered) is PyLiteral
    assert ast.literal_eval(rendered) == text
    assert "\n" not in rendered and "\r" not in rendered


@given(texts)
def test_string_literal_round_trips_for_any_text(text: str) -> None:
    assert ast.literal_eval(literal(text)) == text


def test_string_literal_prefers_double_quotes() -> None:
    assert literal("a'b") == '"a\'b"'
    assert literal("ab") == '"ab"'
    assert literal('a"b') == "'a\"b'"
    assert literal("a'\"b") == "'a\\'\"b'"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "None"), (True, "True"), (False, "False"), (0, "0"), (-5, "-5"), (1.5, "1.5")],
)
def test_scalar_literals(value: Any, expected: str) -> None:
    assert literal(value) == expected


class _SneakyStr(str):
    def __repr__(self) -> str:
        return "__import__('os')"


@pytest.mark.parametrize(
    "value",
    [math.nan, math.inf, -math.inf, b"bytes", (1,), [1], {"a": 1}, _SneakyStr("x"), object()],
)
def test_literal_rejects(value: Any) -> None:
    with pytest.raises((ValueError, TypeError)):
        literal(value)


def test_code_accepts_only_rendered_parts() -> None:
    assert code("f({})", identifier("x")) == "f(x)"
    with pytest.raises(UnsafeValueError):
        code("f({})", "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="slots"):
        code("f({}, {})", identifier("x"))
    with pytest.raises(UnsafeValueError):
        join(", ", [identifier("a"), "b"])  # type: ignore[list-item]


def test_plain_string_operations_lose_the_mark() -> None:
    rendered = identifier("x")
    assert not isinstance(rendered + "y", Rendered)
    assert not isinstance(rendered.upper(), Rendered)
    assert not isinstance(f"{rendered}", Rendered)


# -- the _SPEC literal ---------------------------------------------------------------------------


@settings(max_examples=200)
@given(json_values, st.integers(min_value=0, max_value=12))
def test_render_literal_round_trips(value: object, indent: int) -> None:
    text = render_literal(value, indent=indent)
    assert ast.literal_eval(text) == value or _has_negative_zero(value)
    assert render_literal(value, indent=indent) == text  # deterministic
    # The source is valid where it is placed: as the value of an indented assignment.
    ast.parse("if True:\n" + " " * (indent + 1) + "x = " + text.replace("\n", "\n "))


def _has_negative_zero(value: object) -> bool:
    return "-0.0" in repr(value)


def test_render_literal_is_multi_line_and_keeps_key_order() -> None:
    value = {"z": 1, "a": ["x" * 40, "y" * 40, "w" * 40], "m": {"k": None, "b": True}}
    text = render_literal(value)
    assert text.splitlines()[1].strip().startswith('"z"')
    assert list(ast.literal_eval(text)) == ["z", "a", "m"]
    assert all(len(line) <= WIDTH for line in text.splitlines())
    assert text.endswith("}")


def test_render_literal_splits_long_prose_but_not_words() -> None:
    prose = " ".join(["word"] * 80)
    url = "https://example.com/" + "p" * 150
    text = render_literal({"description": prose, "url": url})
    assert ast.literal_eval(text) == {"description": prose, "url": url}
    assert all(len(line) <= WIDTH for line in text.splitlines() if "https" not in line)
    assert repr(url).strip("'") in text  # the URL is one piece


@pytest.mark.parametrize(
    "value",
    [(1, 2), {1, 2}, {1: "int key"}, {"k": (1,)}, b"x", {"k": object()}, [math.nan], {"k": 1j}],
)
def test_render_literal_rejects_other_types(value: object) -> None:
    with pytest.raises((UnsafeValueError, ValueError)):
        render_literal(value)


def test_render_literal_rejects_deep_nesting() -> None:
    value: list[object] = []
    for _ in range(60):
        value = [value]
    with pytest.raises(UnsafeValueError, match="deeper"):
        render_literal(value)


# -- layout ----------


def test_layout_fits_or_explodes() -> None:
    small = Group(Code("f("), (Atom(Code("a")), Atom(Code("b"))), Code(")"))
    assert render(small) == "f(a, b)"
    items = tuple(Atom(identifier(f"argument_{i}")) for i in range(12))
    big = Group(Code("f("), items, Code(")"), Code(" -> None:"))
    lines = render(big, indent=4).splitlines()
    assert lines[0] == "f("
    assert lines[1] == "        argument_0,"
    assert lines[-1] == "    ) -> None:"


def test_layout_pairs_and_string_concatenation() -> None:
    prose = "lorem ipsum " * 20
    node = Pair(Code("x = "), Str(prose))
    text = render(node)
    assert text.startswith("x = (\n")
    assert ast.literal_eval(text.removeprefix("x = ")) == prose


def test_layout_rejects_plain_strings() -> None:
    with pytest.raises(UnsafeValueError):
        Atom("raw")  # type: ignore[arg-type]
    with pytest.raises(UnsafeValueError):
        Pair("raw", Atom(Code("x")))  # type: ignore[arg-type]


# -- docstrings ----------


def _evaluate_docstring(block: str, indent: int) -> str:
    source = "def f():\n" + " " * indent + block + "\n"
    tree = ast.parse(source)
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    value = ast.get_docstring(function, clean=False)
    assert value is not None
    assert len(function.body) == 1  # nothing but the docstring
    return value


def _words(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("text", TRICKY_TEXT)
@pytest.mark.parametrize("indent", [4, 8])
def test_docstring_escaper_keeps_the_text(text: str, indent: int) -> None:
    block = docstring("Summary.", [text], indent=indent)
    assert type(block) is DocBlock
    value = _evaluate_docstring(block, indent)
    assert _words(value) == _words("Summary. " + text)


@settings(max_examples=300)
@given(texts, texts, st.integers(min_value=4, max_value=16))
def test_docstring_escaper_for_any_text(summary: str, body: str, indent: int) -> None:
    block = docstring(summary, [body], indent=indent)
    value = _evaluate_docstring(block, indent)
    assert _words(value) == _words(summary + " " + body)
    for line in block.splitlines():
        assert line == line.rstrip()


def test_escape_doc_text_details() -> None:
    assert escape_doc_text('say """hi"""') == 'say \\"\\""hi\\"\\"\\"'
    assert escape_doc_text('end"') == 'end\\"'
    assert escape_doc_text("back\\slash") == "back\\\\slash"
    assert escape_doc_text("é\u2028\t") == "é\\u2028\\t"
    assert escape_doc_text("line\nbreak") == "line\nbreak"


def test_docstring_wraps_and_indents() -> None:
    block = docstring("Summary.", ["Args:", "    name: " + "word " * 40], indent=8)
    lines = block.splitlines()
    assert lines[0] == '"""Summary.'
    assert lines[-1] == '        """'
    assert all(len(line) <= WIDTH - 8 + 8 for line in lines)
    assert lines[3].startswith("            name: ")
    assert lines[4].startswith("                word")  # continuation of an Args entry
    assert docstring("One line.", indent=4) == '"""One line."""'


# -- jinja guard and templates ----------


def test_finalize_rejects_unrendered_values() -> None:
    env = environment()
    template = env.from_string("{{ value }}")
    assert template.render(value=identifier("ok")) == "ok"
    for bad in ["raw spec text", 1, None, ["x"], b"x"]:
        with pytest.raises(UnsafeValueError):
            template.render(value=bad)
    with pytest.raises(jinja2.UndefinedError):
        template.render()
    assert only_rendered(Code("x")) == "x"


def test_environment_settings() -> None:
    env = environment()
    assert env.undefined is jinja2.StrictUndefined
    assert env.autoescape is False
    assert env.keep_trailing_newline and env.trim_blocks and env.lstrip_blocks


_ALLOWED_NODES = (
    jn.Template,
    jn.Output,
    jn.TemplateData,
    jn.Getattr,
    jn.Name,
    jn.For,
    jn.If,
    jn.Not,
)


@pytest.mark.parametrize("path", sorted(TEMPLATES.glob("*.jinja")), ids=lambda p: p.name)
def test_templates_are_logic_free(path: Path) -> None:
    """Only output, attribute access, for-loops and ifs: no filters, calls, sets or macros."""
    tree = environment().parse(path.read_text(encoding="utf-8"))
    for node in tree.find_all(jn.Node):
        assert isinstance(node, _ALLOWED_NODES), f"{path.name}: {type(node).__name__}"
        if isinstance(node, jn.If):
            assert isinstance(node.test, (jn.Getattr, jn.Not)), f"{path.name}: if on an expression"


def test_ir_rejects_plain_strings() -> None:
    with pytest.raises(UnsafeValueError):
        ImportSection(("import os",))  # type: ignore[arg-type]
    with pytest.raises(UnsafeValueError):
        Field(declaration=Code("x: int"), has_doc=False, docstring="raw")  # type: ignore[arg-type]
    with pytest.raises(UnsafeValueError):
        Field(declaration=Code("x: int"), has_doc=1, docstring=DocBlock('""""""'))  # type: ignore[arg-type]


# -- import-time shape ----------


@pytest.mark.parametrize("name", GOLDEN_FIXTURES)
def test_golden_modules_only_define_names(name: str) -> None:
    check_module_shape(ast.parse((GOLDEN / name / "__init__.py").read_text(encoding="utf-8")))


GOOD_HEAD = '"""Doc."""\nfrom typing import Literal\n'


@pytest.mark.parametrize(
    "snippet",
    [
        "print('hi')",
        "import os\nos.system('x')",
        "X = f'{1}'",
        "X = open('f')",
        "X = [i for i in range(3)]",
        "if True:\n    import os",
        "if TYPE_CHECKING:\n    x = 1",
        "class A(B, metaclass=M):\n    pass",
        "class A(make()):\n    pass",
        "class A:\n    x = 1\n    print(x)",
        "class A:\n    x: int = compute()",
        "@decorator\nclass A:\n    pass",
        "class A:\n    @property\n    def x(self) -> int:\n        return 1",
        "class A:\n    def f(self, x: int = g()) -> None:\n        pass",
        "class A:\n    def f(self, *args: int) -> None:\n        pass",
        "def f() -> None:\n    pass",
        "X: Literal[g()] = 1",
        "for x in []:\n    pass",
        "try:\n    import x\nexcept ImportError:\n    pass",
        "X = lambda: 1",
        "X, Y = 1, 2",
        "__import__('os')",
    ],
)
def test_shape_check_rejects_executable_code(snippet: str) -> None:
    with pytest.raises(ShapeError):
        check_module_shape(ast.parse(GOOD_HEAD + snippet))


def test_shape_check_requires_a_docstring() -> None:
    with pytest.raises(ShapeError, match="docstring"):
        check_module_shape(ast.parse("import os\n"))


def test_shape_check_accepts_definitions() -> None:
    check_module_shape(
        ast.parse(
            GOOD_HEAD
            + "if TYPE_CHECKING:\n    import threading\n"
            + "X = Literal['a', 1] | None\nY: dict[str, int] = {'a': [1, -2.5, None]}\n"
            + "class A(TypedDict, total=False):\n    '''d'''\n    a: Required[int]\n    '''a'''\n"
            + "class C(Base):\n    spec: ClassVar[X] = Y\n"
            + "    def f(self, x: threading.Event | None = None, *, y: int = 1) -> A:\n"
            + "        return cast(A, self._f(x, y=[y for y in []]))\n"
        )
    )


def test_render_literal_never_turns_an_empty_string_into_a_tuple() -> None:
    value = {"k" * 120: "", "x": ["", "y" * 200]}
    assert ast.literal_eval(render_literal(value, indent=8)) == value


def test_layout_of_many_split_strings() -> None:
    """Regression: temporary nodes made while splitting strings must not share cached text."""
    value = {
        f"key{i}": [" ".join(f"w{i}x{j}" for j in range(40)), {"k": "y " * (30 + i)}]
        for i in range(20)
    }
    for indent in (0, 4, 8):
        assert ast.literal_eval(render_literal(value, indent=indent)) == value
