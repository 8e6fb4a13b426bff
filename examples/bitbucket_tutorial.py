"""Bitbucket Cloud: sign in and read the user (OAuth 2.0; Bitbucket retired the OAuth 1 flow the
old tutorial used)."""

from __future__ import annotations

from terminal import Ask, Say, credential, sign_in

from generated.bitbucket import Bitbucket


def main(ask: Ask = input, say: Say = print) -> None:
    bitbucket = Bitbucket(
        client_id=credential("bitbucket", "client_id"),
        client_secret=credential("bitbucket", "client_secret"),
        redirect_uri=credential("bitbucket", "redirect_uri", "https://localhost/callback"),
    )
    sign_in(bitbucket, ask, say)  # scopes are the consumer's, set in Bitbucket's settings
    user = bitbucket.userinfo()
    say(f"Signed in as {user.get('display_name', user['uuid'])}")


if __name__ == "__main__":
    main()
