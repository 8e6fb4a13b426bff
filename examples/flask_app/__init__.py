"""A Flask web app that signs users in with any provider oauthgen has a client for.

The web-application flow on a generated client: sign in (authorization code, with PKCE where the
spec has it) → the provider's login and consent → ``/callback`` → the profile page; the token is
refreshed automatically ahead of expiry (on any API call through the client) or on request; a
page shows its expiry and scopes (never the token); signing out revokes it where the provider
supports revocation.

Configuration, from the environment::

    OAUTHGEN_APP_PROVIDER       a shipped provider id (`oauthgen list`) or a spec file
    OAUTHGEN_<ID>_CLIENT_ID     the client id (<ID>: the provider id upper-cased, as for
    OAUTHGEN_<ID>_CLIENT_SECRET `oauthgen login`), and its secret when it has one
    OAUTHGEN_APP_SCOPES         scopes to ask for, space-separated (default: the spec's)
    OAUTHGEN_APP_VARS           the spec's per-deployment values, e.g. "tenant=contoso"
    OAUTHGEN_APP_REDIRECT_URI   the registered callback URL (default: this app's /callback)
    OAUTHGEN_APP_SECRET_KEY     signs the session cookie (default: random, per process)
    OAUTHGEN_APP_TOKEN_DIR      where tokens are kept (default: the app's instance folder)

Run it with ``flask --app examples/flask_app run``. Between the sign-in redirect and the callback
the session cookie keeps only the ``AuthorizationRequest`` that ``authorization_url()`` returned
(``to_dict()``: state, PKCE verifier, nonce, redirect URI), handed back to ``fetch_token``;
tokens stay on the server, in a ``FileTokenStore`` under a random key per session.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import (
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from oauthlib.oauth2 import OAuth2Error
from requests import RequestException
from werkzeug.wrappers import Response

from generator.auth.clients import ProviderClient, parse_variables, resolve_provider
from generator.auth.config import env_prefix
from generator.auth.errors import CommandError
from runtime._redact import escaped_server_text, secret_safe_logger
from runtime.errors import NoTokenError
from runtime.provider import AuthorizationRequest
from runtime.provider.errors import AuthorizationRequestError, VariableError
from runtime.stores import FileTokenStore, TokenStoreError

__all__ = ["AppConfig", "ConfigError", "create_app", "describe_error"]

class ConfigError(RuntimeError):
    """The environment does not describe a usable provider and client; says what to set."""


@dataclass(frozen=True)
class AppConfig:
    """What the app signs in with, read from the environment by :meth:`from_environ`."""

    provider: ProviderClient
    client_id: str
    client_secret: str | None = field(repr=False)
    scopes: list[str] | None
    variables: dict[str, str | int]
    token_dir: Path | None
    redirect_uri: str | None = None
    secret_key: str | None = field(default=None, repr=False)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> AppConfig:
        """:raises ConfigError: no provider, an unknown one, a broken spec, no client id."""
        argument = environ.get("OAUTHGEN_APP_PROVIDER", "").strip()
        if not argument:
            raise ConfigError(
                "set OAUTHGEN_APP_PROVIDER to a shipped provider id (`oauthgen list`) or the "
                "path of a spec file"
            )
        try:
            provider = resolve_provider(argument)
            variables = parse_variables(provider, environ.get("OAUTHGEN_APP_VARS", "").split(), {})
        except CommandError as exc:
            raise ConfigError(f"OAUTHGEN_APP_PROVIDER={argument}: {exc.message}") from None
        if not provider.supports("authorization_code"):
            raise ConfigError(f"{provider.name} has no authorization code sign-in")
        prefix = env_prefix(provider.provider_id)
        client_id = environ.get(f"{prefix}CLIENT_ID", "")
        if not client_id:
            raise ConfigError(f"set {prefix}CLIENT_ID (and {prefix}CLIENT_SECRET if it has one)")
        scopes = environ.get("OAUTHGEN_APP_SCOPES", "").split()
        token_dir = environ.get("OAUTHGEN_APP_TOKEN_DIR")
        return cls(
            provider=provider,
            client_id=client_id,
            client_secret=environ.get(f"{prefix}CLIENT_SECRET") or None,
            scopes=scopes or None,
            variables=variables,
            token_dir=Path(token_dir) if token_dir else None,
            redirect_uri=environ.get("OAUTHGEN_APP_REDIRECT_URI") or None,
            secret_key=environ.get("OAUTHGEN_APP_SECRET_KEY") or None,
        )


def describe_error(exc: Exception) -> str:
    """One line for the user: the OAuth error and the provider's words, or the error's own
    message (the runtime's messages never contain a token or a secret)."""
    error = getattr(exc, "error", None)
    if isinstance(exc, OAuth2Error) and error:
        description = getattr(exc, "description", None)
        return f"{error}: {escaped_server_text(description)}" if description else str(error)
    return str(exc) or type(exc).__name__


def _scope_list(scope: object) -> list[str]:
    if isinstance(scope, str):
        return scope.replace(",", " ").split()
    if isinstance(scope, (list, tuple)):
        return [str(item) for item in scope]
    return []


class _Web:
    """The routes and the per-request clients of one app."""

    def __init__(self, app: Flask, config: AppConfig) -> None:
        self.app = app
        self.config = config
        self.store = FileTokenStore(config.token_dir or Path(app.instance_path) / "tokens")
        self.provider = config.provider

    # -- clients -------------------------------------------------------------------------------

    def redirect_uri(self) -> str:
        return self.config.redirect_uri or url_for("callback", _external=True)

    def client(self, key: str | None) -> Any:
        """A new client for one request (Any: the generated class's methods are called by
        name); with ``key``, its token is loaded from and saved to the store under it."""
        config = self.config
        try:
            return config.provider.cls(
                client_id=config.client_id,
                client_secret=config.client_secret,
                redirect_uri=self.redirect_uri(),
                token_store=self.store if key is not None else None,
                token_store_key=key,
                token_updater=self._count_renewal if key is not None else None,
                **config.variables,
            )
        except VariableError as exc:  # a missing or invalid OAUTHGEN_APP_VARS value
            message = f"{self.provider.name}: {exc} (set it in OAUTHGEN_APP_VARS)"
            raise ConfigError(message) from None

    def _count_renewal(self, _token: Mapping[str, Any]) -> None:
        """token_updater: every refreshed token, automatic or requested, passes here."""
        session["renewals"] = int(session.get("renewals", 0)) + 1

    def signed_in_client(self) -> Any | None:
        key = session.get("token_key")
        if not isinstance(key, str):
            return None
        client = self.client(key)
        return client if client.token else None

    # -- CSRF for the POST forms -----------------------------------------------------------------

    @staticmethod
    def csrf_token() -> str:
        token = session.get("csrf")
        if not isinstance(token, str):
            token = session["csrf"] = secrets.token_urlsafe(24)
        return token

    @staticmethod
    def check_csrf() -> None:
        expected = session.get("csrf")
        given = request.form.get("csrf", "")
        if not isinstance(expected, str) or not secrets.compare_digest(expected, given):
            abort(400, "the form is stale or forged (no matching CSRF token): reload the page")

    # -- pages ---------------------------------------------------------------------------------

    def render(self, template: str, status: int = 200, **values: Any) -> tuple[str, int]:
        page = render_template(
            template,
            provider=self.provider.name,
            csrf=self.csrf_token(),
            can_revoke=self.provider.can_revoke,
            **values,
        )
        return page, status

    def failure(self, what: str, exc: Exception, status: int) -> tuple[str, int]:
        self.app.logger.warning("%s failed: %s", what, describe_error(exc))
        return self.render("error.html", status, what=what, message=describe_error(exc))

    def home(self) -> tuple[str, int] | Response:
        if self.signed_in_client() is not None:
            return redirect(url_for("profile"))
        return self.render("home.html")

    def login(self) -> Response:
        client = self.client(key=None)
        sign_in = client.authorization_url(scopes=self.config.scopes)
        session["pending"] = sign_in.to_dict()  # JSON-safe; the cookie is signed
        return redirect(sign_in.url)

    def callback(self) -> tuple[str, int] | Response:
        pending = session.pop("pending", None)
        if pending is None:
            return self.render(
                "error.html",
                400,
                what="Sign-in",
                message="no sign-in is in progress in this browser session: start again",
            )
        try:
            sign_in = AuthorizationRequest.from_dict(pending)
        except AuthorizationRequestError as exc:  # a cookie from another version of the app
            return self.failure("Sign-in", exc, 400)
        key = f"web:{secrets.token_urlsafe(18)}"
        client = self.client(key)
        try:
            client.fetch_token(request.url, request=sign_in)
        except (OAuth2Error, ValueError) as exc:  # denied, state mismatch, bad code, id_token...
            return self.failure("Sign-in", exc, 400)
        except RequestException as exc:
            return self.failure("Sign-in", exc, 502)
        session["token_key"] = key
        session["renewals"] = 0
        session["signed_in_at"] = time.time()
        return redirect(url_for("profile"))

    def profile(self) -> tuple[str, int] | Response:
        client = self.signed_in_client()
        if client is None:
            return redirect(url_for("home"))
        try:
            profile = client.userinfo() if callable(getattr(client, "userinfo", None)) else {}
        except (OAuth2Error, NoTokenError) as exc:  # the grant is gone: sign in again
            self._forget()
            return self.failure("Loading your profile", exc, 401)
        except RequestException as exc:
            return self.failure("Loading your profile", exc, 502)
        return self.render("profile.html", profile=dict(profile))

    def token_page(self) -> tuple[str, int] | Response:
        client = self.signed_in_client()
        if client is None:
            return redirect(url_for("home"))
        token: Mapping[str, Any] = client.token
        expires_at = token.get("expires_at")
        now = time.time()
        return self.render(
            "token.html",
            token_type=token.get("token_type", "unknown"),
            scopes=_scope_list(token.get("scope")),
            expires_at=(
                time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(float(expires_at)))
                if isinstance(expires_at, (int, float))
                else None
            ),
            expires_in=(
                round(float(expires_at) - now) if isinstance(expires_at, (int, float)) else None
            ),
            refreshable=bool(token.get("refresh_token")) and self.provider.can_refresh,
            has_id_token=bool(token.get("id_token")),
            renewals=int(session.get("renewals", 0)),
            manual_refreshes=int(session.get("manual_refreshes", 0)),
        )

    def refresh(self) -> tuple[str, int] | Response:
        self.check_csrf()
        client = self.signed_in_client()
        if client is None:
            return redirect(url_for("home"))
        try:
            client.refresh()
        except (OAuth2Error, NoTokenError, ValueError) as exc:
            return self.failure("Refreshing the token", exc, 400)
        except RequestException as exc:
            return self.failure("Refreshing the token", exc, 502)
        session["manual_refreshes"] = int(session.get("manual_refreshes", 0)) + 1
        flash("The token was refreshed.")
        return redirect(url_for("token_page"))

    def logout(self) -> tuple[str, int]:
        self.check_csrf()
        client = self.signed_in_client()
        outcome = "You were not signed in."
        if client is not None:
            outcome = self._revoke(client)
        self._forget()
        return self.render("signed_out.html", outcome=outcome)

    def _revoke(self, client: Any) -> str:
        """Revoke the refresh and the access token (where the provider can); say how it went."""
        if not self.provider.can_revoke:
            return f"Signed out here ({self.provider.name} has no revocation endpoint)."
        token = client.token or {}
        try:
            for hint in ("refresh_token", "access_token"):
                if token.get(hint):
                    client.revoke(token=str(token[hint]), token_type_hint=hint)
        except (OAuth2Error, RequestException, ValueError) as exc:
            self.app.logger.warning("revocation failed: %s", describe_error(exc))
            return f"Signed out here, but {self.provider.name} refused to revoke the token: " + (
                describe_error(exc)
            )
        return f"Signed out; the token was revoked at {self.provider.name}."

    def _forget(self) -> None:
        key = session.get("token_key")
        if isinstance(key, str):
            try:
                self.store.delete(key)
            except TokenStoreError as exc:
                self.app.logger.warning("could not delete the stored token: %s", exc)
        session.clear()


def create_app(environ: Mapping[str, str] | None = None) -> Flask:
    """The app for the provider and client the environment (default ``os.environ``) names.

    :raises ConfigError: the message says which variable to set.
    """
    config = AppConfig.from_environ(os.environ if environ is None else environ)
    # The development server logs each request line, the callback's ?code=...&state=... too.
    secret_safe_logger("werkzeug")
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=config.secret_key or secrets.token_hex(32),
        # Its own name: cookies are per host, not per port, so on 127.0.0.1 another app's
        # "session" cookie (another Flask app's, say) would clash with it.
        SESSION_COOKIE_NAME="oauthgen_example_session",
        SESSION_COOKIE_HTTPONLY=True,
        # Lax: the provider's redirect to /callback is a top-level GET, which carries it.
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=(config.redirect_uri or "").startswith("https:"),
    )
    web = _Web(app, config)
    app.extensions["oauthgen_web"] = web
    app.add_url_rule("/", "home", web.home)
    app.add_url_rule("/login", "login", web.login)
    app.add_url_rule("/callback", "callback", web.callback)
    app.add_url_rule("/profile", "profile", web.profile)
    app.add_url_rule("/token", "token_page", web.token_page)
    app.add_url_rule("/refresh", "refresh", web.refresh, methods=["POST"])
    app.add_url_rule("/logout", "logout", web.logout, methods=["POST"])
    with app.test_request_context():
        web.client(key=None)  # a bad OAUTHGEN_APP_VARS value fails now, not at sign-in
    return app
