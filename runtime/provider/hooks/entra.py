"""Microsoft Entra's multi-tenant issuers: ``{tenantid}`` (or common/organizations/consumers)
stands for the tenant of each signed-in user, which the id_token names in ``tid``."""

from __future__ import annotations

import re
from typing import Any

from ..metadata import ISSUER_TEMPLATE_KEY
from .host import HookHost

_MULTI_TENANT = re.compile(r"(?<=/)(?:\{tenantid\}|common|organizations|consumers)(?=/|$)")


def entra_tenant_issuer(host: HookHost, document: dict[str, Any], issuer: str) -> dict[str, Any]:
    """Validate the document against the configured issuer and check id_tokens against the
    issuer with the tenant taken from their ``tid`` claim."""
    published = document.get("issuer")
    if not isinstance(published, str):
        return document
    if "{tenantid}" in published or _MULTI_TENANT.search(published):
        document = dict(document)
        document[ISSUER_TEMPLATE_KEY] = _MULTI_TENANT.sub("{tid}", published, count=1)
        document["issuer"] = issuer
    return document
