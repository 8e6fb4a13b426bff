"""Slack's OAuth v2 answer carries a bot token at the top and a user token under authed_user."""

from __future__ import annotations

from typing import Any

import requests

from ...compliance_fixes._rewrite import rewrite_token_response
from .host import HookHost

_BOT_FIELDS = ("access_token", "token_type", "scope", "bot_user_id", "refresh_token", "expires_in")


def slack_split_tokens(host: HookHost, response: requests.Response) -> requests.Response:
    """Copy the bot token's fields into ``bot`` so they survive whichever token the spec's
    ``paths`` make the main one; ``authed_user`` keeps the user's."""

    def split(body: dict[str, Any]) -> dict[str, Any]:
        if body.get("access_token") and "bot" not in body:
            body["bot"] = {name: body[name] for name in _BOT_FIELDS if name in body}
        return body

    return rewrite_token_response(response, split)
