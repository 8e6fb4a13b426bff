"""Which flows a validated spec supports; each becomes a method of the generated client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .model import ProviderSpec


def supported_flows(spec: ProviderSpec) -> tuple[str, ...]:
    flows: list[str] = []
    if spec.protocol == "oauth1":
        flows.append("oauth1_authorization")
    else:
        flows.extend(spec.grants)
        if spec.refresh is not None and spec.refresh.supported:
            flows.append("refresh")
        flows.extend(f"exchange:{name}" for name in spec.exchanges)
        if spec.endpoints.introspect is not None:
            flows.append("introspect")
    if spec.endpoints.revoke is not None:
        flows.append("revoke")
    if spec.userinfo is not None:  # the runtime maps the profile by userinfo.fields
        flows.append("userinfo")
    return tuple(flows)


def embedded_flows(spec: Mapping[str, Any]) -> tuple[str, ...]:
    """:func:`supported_flows` of an installed client's spec (the same rules, read from the
    normalised dict: ``with_defaults`` of the module's ``_SPEC``)."""
    flows: list[str] = []
    endpoints = spec["endpoints"]
    if spec["protocol"] == "oauth1":
        flows.append("oauth1_authorization")
    else:
        flows.extend(spec["grants"])
        refresh = spec.get("refresh")
        if refresh is not None and refresh["supported"]:
            flows.append("refresh")
        flows.extend(f"exchange:{name}" for name in spec.get("exchanges") or {})
        if endpoints.get("introspect") is not None:
            flows.append("introspect")
    if endpoints.get("revoke") is not None:
        flows.append("revoke")
    if spec.get("userinfo") is not None:
        flows.append("userinfo")
    return tuple(flows)
