"""LinkedIn: Sign In with LinkedIn using OpenID Connect (the old tutorial's v1 API is retired)."""

from __future__ import annotations

from terminal import Ask, Say, credential, sign_in

from generated.linkedin import LinkedIn


def main(ask: Ask = input, say: Say = print) -> None:
    linkedin = LinkedIn(
        client_id=credential("linkedin", "client_id"),
        client_secret=credential("linkedin", "client_secret"),
        redirect_uri=credential("linkedin", "redirect_uri", "https://localhost/callback"),
    )
    sign_in(linkedin, ask, say, scopes=["openid", "profile", "email"])
    member = linkedin.userinfo()
    say(f"Signed in as {member.get('name', member['sub'])}")


if __name__ == "__main__":
    main()
