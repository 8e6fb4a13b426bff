"""Defaults shared with the session layer, without importing it (it pulls in oauthlib)."""

from __future__ import annotations

DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 60.0)
"""(connect, read) seconds: the value of ``runtime.oauth2_session.DEFAULT_TIMEOUT``."""

DEFAULT_LEEWAY = 60.0
"""Seconds before expiry a token is renewed: ``runtime._lifecycle.DEFAULT_LEEWAY``."""

Timeout = float | tuple[float, float] | None
