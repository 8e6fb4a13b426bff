"""Tumblr (OAuth 1.0a): request token, approval, access token, then the dashboard."""

from __future__ import annotations

from terminal import Ask, Say, credential, sign_in_oauth1

from generated.tumblr import Tumblr


def main(ask: Ask = input, say: Say = print) -> None:
    tumblr = Tumblr(
        client_key=credential("tumblr", "consumer_key"),
        client_secret=credential("tumblr", "consumer_secret"),
        callback_uri=credential("tumblr", "callback_uri", "https://www.tumblr.com/dashboard"),
    )
    sign_in_oauth1(tumblr, ask, say)
    say(f"Signed in as {tumblr.userinfo()['name']}")
    dashboard = tumblr.session.get("https://api.tumblr.com/v2/user/dashboard").json()
    say(f"{len(dashboard.get('response', {}).get('posts', []))} posts on the dashboard")


if __name__ == "__main__":
    main()
