"""The generated Facebook client with its Graph URLs moved to a loopback test server."""

from __future__ import annotations

import copy
from typing import Any, cast

from generated.facebook import Facebook
from runtime.provider import RuntimeSpec


def facebook_at(base: str) -> type[Facebook]:
    """A ``Facebook`` subclass whose token, userinfo and API URLs are ``base/{api_version}/...``."""
    spec: dict[str, Any] = dict(copy.deepcopy(Facebook.spec.data))
    spec["endpoints"] = {
        **spec["endpoints"],
        "token": base + "/{api_version}/oauth/access_token",
        "userinfo": base + "/{api_version}/me",
    }
    spec["api"] = {**spec["api"], "base_url": base + "/{api_version}"}

    class LoopbackFacebook(Facebook, spec=cast(RuntimeSpec, spec)):
        pass

    return LoopbackFacebook
