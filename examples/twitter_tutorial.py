"""X (Twitter) OAuth 1.0a: the three-legged flow, then the signed-in account."""

from __future__ import annotations

from terminal import Ask, Say, credential, sign_in_oauth1

from generated.twitter import Twitter


def main(ask: Ask = input, say: Say = print) -> None:
    twitter = Twitter(
        client_key=credential("twitter", "consumer_key"),
        client_secret=credential("twitter", "consumer_secret"),
        callback_uri=credential("twitter", "callback_uri", "https://localhost/callback"),
    )
    sign_in_oauth1(twitter, ask, say)
    account = twitter.userinfo()
    say(f"Signed in as @{account['screen_name']} (id {account['id_str']})")


if __name__ == "__main__":
    main()
