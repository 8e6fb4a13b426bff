"""GitHub: sign in from the terminal, read the profile and the repositories."""

from __future__ import annotations

from terminal import Ask, Say, credential, sign_in

from generated.github import GitHub, Scopes


def main(ask: Ask = input, say: Say = print) -> None:
    github = GitHub(
        client_id=credential("github", "client_id"),
        client_secret=credential("github", "client_secret"),
        redirect_uri=credential("github", "redirect_uri", "https://localhost/callback"),
    )
    sign_in(github, ask, say, scopes=[Scopes.READ_USER, Scopes.REPO])
    profile = github.userinfo()  # a GitHubProfile: login and id are always there
    say(f"Signed in as {profile['login']} (id {profile['id']})")
    repos = github.session.get("https://api.github.com/user/repos").json()
    say(f"{len(repos)} repositories")


if __name__ == "__main__":
    main()
