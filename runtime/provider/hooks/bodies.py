"""Answers in formats other than JSON or forms, and headers that confuse clients."""

from __future__ import annotations

import json
import re
from typing import Any

import requests

from ...compliance_fixes._rewrite import _replace_json_body
from ..flow_errors import ProviderResponseError
from .host import HookHost

_JSONP = re.compile(r"\s*[A-Za-z_$][\w$.]*\s*\(\s*(.*?)\s*\)\s*;?\s*", re.DOTALL)


def strip_www_authenticate(host: HookHost, response: requests.Response) -> requests.Response:
    """Drop ``WWW-Authenticate`` from a successful answer (FusionAuth sends it with 200)."""
    if 200 <= response.status_code < 300:
        response.headers.pop("WWW-Authenticate", None)
    return response


def unwrap_jsonp(response: requests.Response) -> requests.Response:
    """``callback( {...} );`` -> ``{...}`` as the body; other bodies are left alone."""
    match = _JSONP.fullmatch(response.text)
    if match is None:
        return response
    try:
        document = json.loads(match.group(1))
    except ValueError:
        return response
    if isinstance(document, dict):
        _replace_json_body(response, document)
    return response


def jsonp_token_response(host: HookHost, response: requests.Response) -> requests.Response:
    """Unwrap a token answer sent as JSONP (QQ)."""
    return unwrap_jsonp(response)


def jsonp_userinfo_response(host: HookHost, response: requests.Response) -> requests.Response:
    """Unwrap a profile sent as JSONP (QQ's /me)."""
    return unwrap_jsonp(response)


def xml_token_response(host: HookHost, response: requests.Response) -> requests.Response:
    """Turn an XML token answer (Concur) into JSON: each child element becomes a field, nested
    elements nested objects. A body that is not XML is left alone."""
    text = response.text.lstrip()
    if not text.startswith("<"):
        return response
    from xml.etree import ElementTree

    # Entity expansion and external entities need a DTD; refusing one makes the stdlib parser
    # safe for this input without the defusedxml dependency.
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise ProviderResponseError("token answer", response, "XML with a DOCTYPE is refused")
    try:
        root = ElementTree.fromstring(text)  # noqa: S314 - no DTD, see above
    except ElementTree.ParseError:
        return response
    document = _element(root)
    _replace_json_body(response, document if isinstance(document, dict) else {root.tag: document})
    return response


def _element(element: Any) -> Any:
    children = list(element)
    if not children:
        return (element.text or "").strip()
    return {_local(child.tag): _element(child) for child in children}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
