"""Google: sign in with offline access (a refresh token) and read the OpenID Connect profile."""

from __future__ import annotations

from terminal import Ask, Say, credential, sign_in

from generated.google import Google


def main(ask: Ask = input, say: Say = print) -> None:
    google = Google(
        client_id=credential("google", "client_id"),
        client_secret=credential("google", "client_secret"),
        redirect_uri=credential("google", "redirect_uri", "https://localhost/callback"),
    )
    # offline: a refresh token; prompt=consent: Google issues it again on a repeat sign-in.
    sign_in(google, ask, say, scopes=["openid", "email", "profile"], offline=True, prompt="consent")
    profile = google.userinfo()
    say(f"Signed in as {profile.get('email', profile['sub'])}")
    say("Refresh token kept:", "refresh_token" in (google.token or {}))


if __name__ == "__main__":
    main()
