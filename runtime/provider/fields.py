"""Reading values out of JSON documents: key case and declared types, at the field paths
of :mod:`runtime.core.paths` (``authed_user.access_token``, ``picture.data.url``)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..core.paths import MISSING, get_path
from .errors import FieldTypeError

if TYPE_CHECKING:
    from .spec_view import TypedFieldView

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def camel_to_snake(name: str) -> str:
    """``accessToken`` -> ``access_token``, ``IDToken`` -> ``id_token``."""
    return _CAMEL_BOUNDARY.sub("_", name).lower()


def snake_keys(value: Any) -> Any:
    """``value`` with every object key, at any depth, converted by :func:`camel_to_snake`."""
    if isinstance(value, Mapping):
        return {camel_to_snake(str(key)): snake_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [snake_keys(item) for item in value]
    return value


def coerce(value: object, field_type: str, name: str) -> Any:
    """``value`` as ``field_type`` (the spec's FieldType or a capture type), or FieldTypeError.

    Strings from form-encoded answers and callbacks are converted where the meaning is plain:
    ``"42"`` to an int, ``"true"``/``"1"`` to True, a JSON string to a dict or list.
    """
    try:
        return _COERCERS[field_type](value)
    except KeyError:
        raise FieldTypeError(f"{name}: unknown type {field_type!r}") from None
    except (TypeError, ValueError) as exc:
        raise FieldTypeError(
            f"{name} should be {field_type}, got {_describe(value)}{_detail(exc)}"
        ) from None


def _as_str(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # numeric ids (Facebook, Twitter) read as text
    raise TypeError


def _as_int(value: object) -> int:
    if isinstance(value, bool):
        raise TypeError
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]+\s*", value):
        return int(value)
    raise TypeError


def _as_float(value: object) -> float:
    if isinstance(value, bool):
        raise TypeError
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        return float(value)
    raise TypeError


_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


def _as_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise TypeError


def _as_str_list(value: object) -> list[str]:
    if isinstance(value, str):
        decoded = _maybe_json(value)
        if isinstance(decoded, list):
            value = decoded
        else:
            return [item for item in re.split(r"[\s,]+", value) if item]
    if isinstance(value, list):
        return [_as_str(item) for item in value]
    raise TypeError


def _as_dict(value: object) -> dict[str, Any]:
    if isinstance(value, str):
        value = json.loads(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError


def _as_json(value: object) -> Any:
    """Any JSON value; a string holding JSON (a callback parameter) is decoded."""
    if isinstance(value, str):
        return _maybe_json(value, strict=True)
    return value


def _maybe_json(text: str, *, strict: bool = False) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        if strict and text.strip()[:1] in ("{", "["):
            raise ValueError("not valid JSON") from None
        return text


_COERCERS: dict[str, Any] = {
    "str": _as_str,
    "int": _as_int,
    "float": _as_float,
    "bool": _as_bool,
    "list[str]": _as_str_list,
    "dict": _as_dict,
    "json": _as_json,
}


def _describe(value: object) -> str:
    if value is None:
        return "null"
    return type(value).__name__


def _detail(exc: Exception) -> str:
    return f" ({exc})" if str(exc) else ""


def read_typed_fields(
    document: object, fields: Mapping[str, TypedFieldView], *, what: str
) -> dict[str, Any]:
    """``{name: value}`` for the spec's TypedFields found in ``document``.

    A missing optional field is left out; a missing required one, or a value of the wrong
    type, raises FieldTypeError naming ``what`` and the field.
    """
    result: dict[str, Any] = {}
    for name, declared in fields.items():
        path = declared.path or name
        value = get_path(document, path)
        if value is MISSING or value is None:
            if declared.required:
                where = f" (at {path!r})" if path != name else ""
                raise FieldTypeError(f"{what} lacks the required field {name!r}{where}", field=name)
            continue
        try:
            result[name] = coerce(value, declared.type, f"{what} field {name!r}")
        except FieldTypeError as exc:
            exc.field = name
            raise
    return result
