"""Microsoft (Outlook): sign in to the common tenant and list mail through Microsoft Graph."""

from __future__ import annotations

from terminal import Ask, Say, credential, sign_in

from generated.microsoft import Microsoft


def main(ask: Ask = input, say: Say = print) -> None:
    outlook = Microsoft(
        client_id=credential("microsoft", "client_id"),
        client_secret=credential("microsoft", "client_secret"),
        redirect_uri=credential("microsoft", "redirect_uri", "https://localhost/"),
        tenant="common",
    )
    sign_in(outlook, ask, say, scopes=["openid", "https://graph.microsoft.com/mail.read"])
    messages = outlook.session.get("https://graph.microsoft.com/v1.0/me/messages").json()
    say(f"{len(messages.get('value', []))} messages")


if __name__ == "__main__":
    main()
