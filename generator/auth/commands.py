"""``oauthgen login``, ``token``, ``logout`` and ``status``.

Progress and errors go to stderr; stdout carries only results (the access token of ``token``,
the table of ``status``), so ``$(oauthgen token github)`` is just the token. No message ever
contains a token, a code, a verifier or a client secret. Exit codes: ``auth.errors``.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import sys
import threading
import time
import webbrowser
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .config import Config, configured_secret, data_dir, load_config, resolve_credentials
from .errors import (
    EXIT_CODES,
    EXIT_DENIED,
    EXIT_INTERRUPTED,
    EXIT_NETWORK,
    EXIT_NOT_SIGNED_IN,
    EXIT_OK,
    EXIT_PORT_IN_USE,
    EXIT_STORE,
    EXIT_TIMEOUT,
    EXIT_USAGE,
    CommandError,
)

if TYPE_CHECKING:
    from .clients import ProviderClient
    from .store import AuthStore, ProfileRecord

Handler = Callable[[argparse.Namespace], int]
Subcommand = Callable[..., argparse.ArgumentParser]

DEFAULT_LOGIN_TIMEOUT = 300.0


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _err(message: str) -> None:
    print(f"oauthgen: {message}", file=sys.stderr, flush=True)


# -- shared steps --------------------------------------------------------------------------------


def _open_store() -> AuthStore:
    from .store import AuthStore

    return AuthStore(data_dir())


def _provider_id(argument: str, auth: AuthStore) -> str:
    """The provider id a ``token`` / ``logout`` argument means (a spec file's ``id``)."""
    from pathlib import Path

    from .clients import client_from_spec, looks_like_spec_file

    if looks_like_spec_file(argument):
        return client_from_spec(Path(argument)).provider_id
    return argument


def _saved_record(argument: str, profile: str, auth: AuthStore) -> ProfileRecord:
    from .clients import looks_like_spec_file, resolve_provider
    from .store import check_profile

    check_profile(profile)
    provider_id = _provider_id(argument, auth)
    record = auth.record(provider_id, profile)
    if record is not None:
        return record
    saved = auth.records()
    known = any(entry.provider == provider_id for entry in saved)
    if not known and not looks_like_spec_file(argument):
        resolve_provider(provider_id, [entry.provider for entry in saved])  # unknown: usage
    others = sorted(entry.profile for entry in saved if entry.provider == provider_id)
    also = f" (its profiles: {', '.join(others)})" if others else ""
    option = "" if profile == "default" else f" --profile {profile}"
    raise CommandError(
        EXIT_NOT_SIGNED_IN,
        f"no token for {provider_id} profile {profile!r}{also}: "
        f"run `oauthgen login {argument}{option}`",
    )


def _client_for(record: ProfileRecord, config: Config) -> tuple[ProviderClient, str | None]:
    """The provider class for a saved profile and the secret to use with it."""
    from pathlib import Path

    from .clients import client_from_spec, resolve_provider

    if record.spec_file is not None:
        if not Path(record.spec_file).is_file():
            raise CommandError(
                EXIT_USAGE,
                f"{record.provider} profile {record.profile!r} signed in with the spec file "
                f"{record.spec_file}, which is gone: restore it or log in again",
            )
        provider = client_from_spec(Path(record.spec_file))
    else:
        provider = resolve_provider(record.provider)
    secret = configured_secret(record.provider, config) or record.client_secret
    return provider, secret


def _saved_client(
    provider: ProviderClient, record: ProfileRecord, secret: str | None, token: Mapping[str, Any]
) -> Any:
    """The client a profile signed in with, holding its saved token."""
    from .clients import make_client

    return make_client(
        provider,
        client_id=record.client_id,
        client_secret=secret,
        variables=record.variables,
        token=token,
    )


def _expiry(token: Mapping[str, Any]) -> float | None:
    value = token.get("expires_at")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _fresh(token: Mapping[str, Any], leeway: float, now: float) -> bool:
    """An access token with more than ``leeway`` seconds left (at most half its lifetime, so
    a token that lives shorter than the leeway is not refreshed on every call)."""
    expiry = _expiry(token)
    lifetime = token.get("expires_in")
    if isinstance(lifetime, int | float) and not isinstance(lifetime, bool) and lifetime > 0:
        leeway = min(leeway, lifetime / 2)
    return bool(token.get("access_token")) and (expiry is None or expiry - leeway > now)


def _waiting(timeout: float) -> None:
    _say(f"Another oauthgen is using this token (a refresh?); waiting up to {timeout:g} s...")


def _oauth_error_text(exc: Exception) -> str:
    from runtime._redact import escaped_server_text

    error = getattr(exc, "error", None) or type(exc).__name__
    description = getattr(exc, "description", None)
    return f"{error}: {escaped_server_text(description)}" if description else str(error)


def _guard(handler: Handler) -> Handler:
    """Run a command, turning every expected failure into one stderr line and its exit code."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except CommandError as exc:
            _err(exc.message)
            return exc.code
        except KeyboardInterrupt:
            _err("interrupted")
            return EXIT_INTERRUPTED
        except Exception as exc:
            code, message = _classify(exc)
            _err(message)
            return code

    return run


def _classify(exc: Exception) -> tuple[int, str]:
    import requests
    from oauthlib.oauth2.rfc6749.errors import AccessDeniedError, OAuth2Error
    from oauthlib.oauth2.rfc8628.errors import AccessDenied, ExpiredTokenError

    from runtime.device import DeviceFlowCancelled
    from runtime.loopback import LoopbackTimeoutError
    from runtime.provider.errors import VariableError
    from runtime.stores import TokenStoreError, TokenStoreLockTimeout

    if isinstance(exc, TokenStoreLockTimeout):
        return EXIT_STORE, f"the token store is locked by another process: {exc}"
    if isinstance(exc, TokenStoreError):
        return EXIT_STORE, str(exc)
    if isinstance(exc, LoopbackTimeoutError):
        return EXIT_TIMEOUT, f"timed out: {exc} (a longer --timeout gives you more time)"
    if isinstance(exc, DeviceFlowCancelled):
        return EXIT_TIMEOUT, "timed out waiting for the device approval (see --timeout)"
    if isinstance(exc, ExpiredTokenError):
        return EXIT_TIMEOUT, f"the device code expired before it was approved: {exc.description}"
    if isinstance(exc, AccessDeniedError | AccessDenied):
        return EXIT_DENIED, f"sign-in denied: {_oauth_error_text(exc)}"
    if isinstance(exc, OAuth2Error):
        return EXIT_DENIED, f"the provider refused: {_oauth_error_text(exc)}"
    if isinstance(exc, requests.RequestException):
        return EXIT_NETWORK, f"cannot reach the provider: {exc}"  # the runtime redacted it
    if isinstance(exc, VariableError):
        return EXIT_USAGE, f"{exc} (set it with --var)"
    if isinstance(exc, ValueError):  # a spec / flow the client cannot do, said by the runtime
        return EXIT_USAGE, str(exc)
    raise exc


# -- login ---------------------------------------------------------------------------------------


def _scopes(given: Sequence[str] | None, configured: Sequence[str]) -> list[str] | None:
    if given:
        return [scope for value in given for scope in value.split()]
    return list(configured) or None


def _send_user_to(url: str, *, use_browser: bool) -> None:
    if use_browser:
        try:
            if webbrowser.open(url):
                _say(f"Opened your browser; if nothing happened, open this URL:\n  {url}")
                return
        except webbrowser.Error:
            pass
        _say("No browser could be started.")
    _say(f"Open this URL in your browser:\n  {url}")


def _login_in_browser(
    provider: ProviderClient, args: argparse.Namespace, make: Callable[[str | None], Any]
) -> Any:
    from runtime.loopback import LoopbackRedirectReceiver

    if not provider.supports("authorization_code"):
        hint = " (it has the device flow: add --device)" if provider.supports("device_code") else ""
        raise CommandError(
            EXIT_USAGE, f"{provider.name} has no authorization code sign-in{hint}"
        )
    try:
        receiver = LoopbackRedirectReceiver(port=args.port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise CommandError(
                EXIT_PORT_IN_USE,
                f"port {args.port} on 127.0.0.1 is in use by another program: choose another "
                "--port, or leave it out to get a free one",
            ) from None
        raise CommandError(
            EXIT_PORT_IN_USE, f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}"
        ) from None
    with receiver:
        client = make(receiver.redirect_uri)
        sign_in = client.authorization_url(scopes=args.resolved_scopes)
        if not sign_in.state:
            raise CommandError(
                EXIT_USAGE,
                f"{provider.name} sends no state, which the loopback sign-in needs to tell its "
                "callback from a forged one",
            )
        receiver.expect_state(sign_in.state)
        _send_user_to(sign_in.url, use_browser=not args.no_browser)
        _say(f"Waiting for the sign-in to finish in the browser (up to {args.timeout:g} s)...")
        callback = receiver.wait(args.timeout)
    client.fetch_token(callback)  # the client remembers its authorization request
    return client


def _login_with_device(
    provider: ProviderClient, args: argparse.Namespace, make: Callable[[str | None], Any]
) -> Any:
    if not provider.supports("device_code"):
        raise CommandError(EXIT_USAGE, f"{provider.name} has no device flow (leave out --device)")
    client = make(None)
    device = client.device_authorization(scopes=args.resolved_scopes)
    _say(f"Your one-time code: {device['user_code']}")
    _say(f"Open {device['verification_uri']} and enter it.")
    page = device.get("verification_uri_complete") or device["verification_uri"]
    if not args.no_browser:
        with contextlib.suppress(webbrowser.Error):
            webbrowser.open(page)
    _say(f"Waiting for the approval (up to {min(args.timeout, device['expires_in']):g} s)...")
    cancel = threading.Event()
    timer = threading.Timer(args.timeout, cancel.set)
    timer.daemon = True
    timer.start()
    try:
        client.poll_device_token(device, cancel=cancel)
    finally:
        timer.cancel()
    return client


def cmd_login(args: argparse.Namespace) -> int:
    from .clients import make_client, parse_variables, resolve_provider
    from .store import ProfileRecord, check_profile

    profile = check_profile(args.profile)
    config = load_config(warn=lambda message: _say(f"warning: {message}"))
    auth = _open_store()
    provider = resolve_provider(args.provider, auth.profile_names())
    if provider.spec.protocol == "oauth1":
        raise CommandError(
            EXIT_USAGE,
            f"{provider.name} uses OAuth 1.0a; `oauthgen login` signs in to OAuth 2 and "
            "OpenID Connect providers",
        )
    entry = config.provider(provider.provider_id)
    credentials = resolve_credentials(
        provider.provider_id,
        flag_id=args.client_id,
        flag_secret=args.client_secret,
        config=config,
    )
    variables = parse_variables(provider, args.var or [], entry.variables)
    args.resolved_scopes = _scopes(args.scope, entry.scopes)
    _say(
        f"Signing in to {provider.name} as profile {profile!r} "
        f"(client id from {credentials.client_id_source})."
    )

    def make(redirect_uri: str | None) -> Any:
        return make_client(
            provider,
            client_id=credentials.client_id,
            client_secret=credentials.client_secret,
            variables=variables,
            redirect_uri=redirect_uri,
        )

    flow = _login_with_device if args.device else _login_in_browser
    client = flow(provider, args, make)
    token: dict[str, Any] = dict(client.token or {})
    record = ProfileRecord(
        provider=provider.provider_id,
        profile=profile,
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
        spec_file=str(provider.spec_file) if provider.spec_file else None,
        variables=variables,
        scopes=tuple(args.resolved_scopes or ()),
        flow="device_code" if args.device else "authorization_code",
    )
    auth.save_login(record, token)
    granted = _scope_text(token.get("scope")) or "(not reported)"
    _say(f"Signed in to {provider.name} ({record.key}); scopes: {granted}.")
    return EXIT_OK


def _scope_text(scope: object) -> str:
    if isinstance(scope, str):
        return " ".join(scope.split())
    if isinstance(scope, list | tuple):
        return " ".join(str(item) for item in scope)
    return ""


# -- token ---------------------------------------------------------------------------------------


def cmd_token(args: argparse.Namespace) -> int:
    from oauthlib.oauth2.rfc6749.errors import InvalidGrantError

    auth = _open_store()
    record = _saved_record(args.provider, args.profile, auth)
    key = record.key
    seen = auth.tokens.load(key)  # no lock: a reader sees a whole old or new file
    if seen is None:
        raise _no_token(record)
    config = load_config()
    provider, secret = _client_for(record, config)
    leeway = provider.leeway
    if _fresh(seen, leeway, time.time()):
        return _print_token(seen)
    with auth.locked(key, on_wait=_waiting):
        current = auth.tokens.load(key)
        if current is None:
            raise _no_token(record)
        renewed_meanwhile = current.get("access_token") != seen.get("access_token")
        if _fresh(current, 0 if renewed_meanwhile else leeway, time.time()):
            return _print_token(current)  # another process refreshed while we waited
        if not (provider.can_refresh and current.get("refresh_token")):
            raise CommandError(
                EXIT_NOT_SIGNED_IN,
                f"the {record.provider} token of profile {record.profile!r} has expired and "
                f"cannot be refreshed: run `oauthgen login {_login_argument(record)}`",
            )
        _say(f"Refreshing the {record.provider} token ({key})...")
        client = _saved_client(provider, record, secret, current)
        try:
            client.refresh()
        except InvalidGrantError as exc:
            raise CommandError(
                EXIT_NOT_SIGNED_IN,
                f"{record.provider} refused the refresh token ({_oauth_error_text(exc)}): run "
                f"`oauthgen login {_login_argument(record)}` to sign in again",
            ) from None
        renewed: dict[str, Any] = dict(client.token or {})
        auth.tokens.save(key, renewed)
    return _print_token(renewed)


def _no_token(record: ProfileRecord) -> CommandError:
    return CommandError(
        EXIT_NOT_SIGNED_IN,
        f"no token for {record.provider} profile {record.profile!r}: "
        f"run `oauthgen login {_login_argument(record)}`",
    )


def _login_argument(record: ProfileRecord) -> str:
    import shlex

    target = record.spec_file or record.provider
    profile = "" if record.profile == "default" else f" --profile {shlex.quote(record.profile)}"
    return shlex.quote(target) + profile


def _print_token(token: Mapping[str, Any]) -> int:
    access_token = token.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise CommandError(EXIT_STORE, "the stored token has no access_token")
    sys.stdout.write(access_token + "\n")
    return EXIT_OK


# -- logout --------------------------------------------------------------------------------------


def cmd_logout(args: argparse.Namespace) -> int:
    auth = _open_store()
    record = _saved_record(args.provider, args.profile, auth)
    outcome = "deleted (not revoked: --no-revoke)"
    with auth.locked(record.key, on_wait=_waiting):
        token = auth.tokens.load(record.key)
        if token is None:
            outcome = "profile removed (it had no token)"
        elif not args.no_revoke:
            provider, secret = _client_for(record, load_config())
            if provider.can_revoke:
                client = _saved_client(provider, record, secret, token)
                try:
                    client.revoke()
                except Exception as exc:
                    code, message = _classify(exc)
                    raise CommandError(
                        code,
                        f"revocation failed, the token is kept: {message} (retry, or "
                        "`--no-revoke` deletes it without revoking)",
                    ) from None
                outcome = "revoked and deleted"
            else:
                outcome = f"deleted ({provider.name} has no revocation endpoint)"
        auth.forget(record)
    _say(f"Logged out of {record.provider} profile {record.profile!r}: token {outcome}.")
    return EXIT_OK


# -- status --------------------------------------------------------------------------------------


def _when(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    if minutes < 1:
        text = f"{int(abs(seconds))} s"
    elif minutes < 120:
        text = f"{minutes} min"
    elif minutes < 48 * 60:
        text = f"{minutes // 60} h"
    else:
        text = f"{minutes // (24 * 60)} days"
    return f"in {text}" if seconds >= 0 else f"{text} ago"


def _status_row(record: ProfileRecord, token: Mapping[str, Any] | None, now: float) -> list[str]:
    if token is None:
        return [record.provider, record.profile, "-", "no token", "-"]
    scopes = _scope_text(token.get("scope")) or " ".join(record.scopes) or "-"
    expiry = _expiry(token)
    if expiry is None:
        expires = "no expiry given"
    else:
        moment = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(expiry))
        state = "expired " if expiry <= now else ""
        expires = f"{moment} ({state}{_when(expiry - now)})"
    refresh = "yes" if token.get("refresh_token") else "no"
    refresh_expiry = _expiry({"expires_at": token.get("refresh_token_expires_at")})
    if refresh == "yes" and refresh_expiry is not None and refresh_expiry <= now:
        refresh = "no (refresh token expired)"
    return [record.provider, record.profile, scopes, expires, refresh]


def cmd_status(args: argparse.Namespace) -> int:
    from runtime.stores import TokenStoreError

    auth = _open_store()
    records = auth.records()
    if args.provider:
        wanted = _provider_id(args.provider, auth)
        records = [record for record in records if record.provider == wanted]
    if not records:
        _say("No saved sign-ins; `oauthgen login PROVIDER` adds one.")
        return EXIT_OK
    code = EXIT_OK
    rows = [["PROVIDER", "PROFILE", "SCOPES", "EXPIRES", "REFRESHABLE"]]
    now = time.time()
    for record in records:
        try:
            token = auth.tokens.load(record.key)
        except TokenStoreError as exc:
            _err(str(exc))
            rows.append([record.provider, record.profile, "-", "unreadable token file", "-"])
            code = EXIT_STORE
            continue
        rows.append(_status_row(record, token, now))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip())
    return code


# -- argument parsing ----------------------------------------------------------------------------


def _bounded(what: str, convert: Callable[[str], float], low: float, high: float) -> Any:
    """An argparse type: ``convert(text)`` within ``[low, high]``."""

    def parse(text: str) -> float:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not {what}: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} between {low:g} and {high:g}, not {text}")
        return value

    return parse


_port = _bounded("a port number", int, 0, 65535)
_seconds = _bounded("a number of seconds", float, 0.001, 86400)


def exit_code_lines() -> str:
    return "\n".join(f"  {code:>3}  {meaning}" for code, meaning in EXIT_CODES)


def add_auth_commands(subparsers: Any, subcommand: Subcommand) -> None:
    """Register ``login``, ``token``, ``logout`` and ``status`` with the main parser."""
    codes = f"\n\nexit codes:\n{exit_code_lines()}"
    login = subcommand(
        subparsers,
        "login",
        "sign in to a provider in the browser (or with --device) and save the token",
        "oauthgen login github --scope read:user" + codes,
        _guard(cmd_login),
    )
    login.add_argument(
        "provider", metavar="PROVIDER|SPEC", help="a shipped client id or a spec file"
    )
    login.add_argument(
        "--scope",
        action="append",
        metavar="SCOPE",
        help="scope to ask for (repeatable, or space-separated); default: the config file's, "
        "else the spec's default scopes",
    )
    login.add_argument(
        "--device", action="store_true", help="use the device flow: enter a code on any device"
    )
    _profile_option(login)
    login.add_argument(
        "--no-browser", action="store_true", help="print the URL instead of opening a browser"
    )
    login.add_argument(
        "--client-id",
        metavar="ID",
        help="default: $OAUTHGEN_<PROVIDER>_CLIENT_ID, else the config file's client_id",
    )
    login.add_argument(
        "--client-secret",
        metavar="SECRET",
        help="default: $OAUTHGEN_<PROVIDER>_CLIENT_SECRET, else the config file's "
        "client_secret (public clients have none)",
    )
    login.add_argument(
        "--var",
        action="append",
        metavar="NAME=VALUE",
        help="a per-deployment value of the spec (tenant, shop, ...); repeatable",
    )
    login.add_argument(
        "--port",
        type=_port,
        default=0,
        help="loopback port for the redirect (default: a free one); for providers that need "
        "the exact registered redirect URI",
    )
    login.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_LOGIN_TIMEOUT,
        metavar="SECONDS",
        help=f"how long to wait for the browser or the device approval "
        f"(default {DEFAULT_LOGIN_TIMEOUT:g})",
    )

    token = subcommand(
        subparsers,
        "token",
        "print a valid access token of a saved sign-in (refreshed first when needed)",
        'curl -H "Authorization: Bearer $(oauthgen token github)" https://api.github.com/user'
        + codes,
        _guard(cmd_token),
    )
    token.add_argument("provider", metavar="PROVIDER|SPEC")
    _profile_option(token)

    logout = subcommand(
        subparsers,
        "logout",
        "revoke the saved token where the provider supports it, then delete it",
        "oauthgen logout github --profile work" + codes,
        _guard(cmd_logout),
    )
    logout.add_argument("provider", metavar="PROVIDER|SPEC")
    _profile_option(logout)
    logout.add_argument(
        "--no-revoke", action="store_true", help="only delete the saved token and profile"
    )

    status = subcommand(
        subparsers,
        "status",
        "list saved sign-ins: scopes, expiry, whether they can be refreshed (never the token)",
        "oauthgen status" + codes,
        _guard(cmd_status),
    )
    status.add_argument("provider", nargs="?", metavar="PROVIDER|SPEC", help="only this one")


def _profile_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", default="default", metavar="NAME", help="default: default"
    )
