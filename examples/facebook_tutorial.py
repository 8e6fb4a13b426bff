"""Facebook: sign in, read the profile, trade the token for a long-lived one."""

from __future__ import annotations

from terminal import Ask, Say, credential, sign_in

from generated.facebook import Facebook


def main(ask: Ask = input, say: Say = print) -> None:
    facebook = Facebook(
        client_id=credential("facebook", "client_id"),
        client_secret=credential("facebook", "client_secret"),
        redirect_uri=credential("facebook", "redirect_uri", "https://localhost/"),
    )
    sign_in(facebook, ask, say, scopes=["public_profile", "email"])
    profile = facebook.userinfo()
    say(f"Signed in as {profile.get('name', profile['id'])}")
    token = facebook.exchange_long_lived()  # about 60 days instead of about 2 hours
    say("Long-lived token until", token.get("expires_at", "(no expiry given)"))


if __name__ == "__main__":
    main()
