"""Which flows a spec supports, in the order the generated client lists their methods.

One rule, read from either form of a spec: the validated model (``supported_flows``, for the
generator, the catalogue and ``oauthgen list``) or the normalised dict an installed client
embeds (``embedded_flows``). The IR builder turns each flow into its methods
(``generator.ir.builder``), so the catalogue's list and the client's methods cannot differ.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from runtime.spec import ProviderSpec

# The grants after authorization_code and refresh, in the client's method order.
_OTHER_GRANTS = ("client_credentials", "device_code")


def flows_of(
    *,
    oauth1: bool,
    grants: Collection[str],
    refreshes: bool,
    exchanges: Collection[str],
    revokes: bool,
    introspects: bool,
    userinfo: bool,
) -> tuple[str, ...]:
    """The flows, in order: ``oauth1_authorization`` or the OAuth 2 grants, ``refresh`` after
    ``authorization_code``, exchanges (``exchange:<name>``) by name, then revocation,
    introspection (OAuth 2 only) and the profile."""
    flows: list[str] = []
    if oauth1:
        flows.append("oauth1_authorization")
    else:
        if "authorization_code" in grants:
            flows.append("authorization_code")
        if refreshes:
            flows.append("refresh")
        flows.extend(grant for grant in _OTHER_GRANTS if grant in grants)
        flows.extend(f"exchange:{name}" for name in sorted(exchanges))
    if revokes:
        flows.append("revoke")
    if introspects and not oauth1:
        flows.append("introspect")
    if userinfo:  # the runtime maps the profile by userinfo.fields
        flows.append("userinfo")
    return tuple(flows)


def supported_flows(spec: ProviderSpec) -> tuple[str, ...]:
    """The flows of a validated spec."""
    return flows_of(
        oauth1=spec.protocol == "oauth1",
        grants=spec.grants,
        refreshes=spec.refresh is not None and spec.refresh.supported,
        exchanges=spec.exchanges,
        revokes=spec.endpoints.revoke is not None,
        introspects=spec.endpoints.introspect is not None,
        userinfo=spec.userinfo is not None,
    )


def embedded_flows(spec: Mapping[str, Any]) -> tuple[str, ...]:
    """The flows of an installed client's spec (``with_defaults`` of the module's ``_SPEC``)."""
    endpoints = spec["endpoints"]
    refresh = spec.get("refresh")
    return flows_of(
        oauth1=spec["protocol"] == "oauth1",
        grants=spec.get("grants") or (),
        refreshes=refresh is not None and bool(refresh["supported"]),
        exchanges=spec.get("exchanges") or {},
        revokes=endpoints.get("revoke") is not None,
        introspects=endpoints.get("introspect") is not None,
        userinfo=spec.get("userinfo") is not None,
    )
