"""Fitbit: sign in (authorization code with PKCE, which replaces the old tutorial's implicit
flow) and read the sleep goal."""

from __future__ import annotations

from terminal import Ask, Say, credential, sign_in

from generated.fitbit import Fitbit


def main(ask: Ask = input, say: Say = print) -> None:
    fitbit = Fitbit(
        client_id=credential("fitbit", "client_id"),
        client_secret=credential("fitbit", "client_secret", "") or None,  # none: a public client
        redirect_uri=credential("fitbit", "redirect_uri", "https://localhost/callback"),
    )
    sign_in(fitbit, ask, say, scopes=["sleep", "profile"])
    goal = fitbit.session.get("https://api.fitbit.com/1/user/-/sleep/goal.json").json()
    say("Sleep goal:", goal.get("goal", goal))


if __name__ == "__main__":
    main()
