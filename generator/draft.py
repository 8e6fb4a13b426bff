"""``oauthgen draft ISSUER_URL --id NAME``: a starter spec from the issuer's metadata.

The metadata document (OpenID Connect Discovery, or RFC 8414 authorization server metadata) is
read with :func:`runtime.discovery.discover`, which checks the issuer, the endpoints (https, or
http to loopback), redirects and size. What it says becomes spec data: endpoints, the protocol
(``oidc`` when the document is OpenID Provider Metadata), scopes, PKCE methods, the client
authentication, the grants, refresh, the id_token algorithms and the user info claims. What a
metadata document cannot say is left as ``TODO`` comments for a human. The draft is validated
and rendered in memory before anything is written, then written atomically.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from runtime.discovery import DiscoveryError, ServerMetadata, discover, metadata_urls

from .auth.errors import EXIT_NETWORK, EXIT_OK, EXIT_SPEC_ERRORS, EXIT_USAGE
from .build import GenerationError, atomic_write, header_source, render_module
from .spec import LoadedSpec, SpecValidationError, parse_spec
from .spec.kinds import PROVIDER_ID, SCOPE_NAME, SNAKE_NAME
from .spec.schema import spec_json_schema
from .spec.starter import display_name_for

Subcommand = Callable[..., argparse.ArgumentParser]

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# Strongest first among those a starter spec can use without more settings; RFC 8414 §2 makes
# client_secret_basic the default when the document lists none.
CLIENT_AUTH_PREFERENCE = (
    "client_secret_basic",
    "client_secret_post",
    "private_key_jwt",
    "client_secret_jwt",
    "none",
)
PKCE_PREFERENCE = ("S256", "plain")
# Scopes whose meaning a standard defines (OpenID Connect Core 1.0 §5.4 and §11).
STANDARD_SCOPES = {
    "openid": "Sign the user in (OpenID Connect).",
    "profile": "Read the user's default profile claims (name, picture, ...).",
    "email": "Read the user's email address and whether it is verified.",
    "address": "Read the user's postal address.",
    "phone": "Read the user's phone number and whether it is verified.",
    "offline_access": "Get a refresh token, to act while the user is away.",
}
# Claims of OpenID Connect Core 1.0 §5.1 (and §2) that are not strings.
CLAIM_TYPES = {
    "email_verified": "bool",
    "phone_number_verified": "bool",
    "updated_at": "int",
    "auth_time": "int",
    "iat": "int",
    "exp": "int",
    "address": "dict",
    "amr": "list[str]",
}
UNDESCRIBED_SCOPE = "TODO: what this scope grants, in the provider's words."


class DraftError(Exception):
    """A draft that cannot be made; ``code`` is the exit status."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Draft:
    text: str
    loaded: LoadedSpec


def _q(value: str) -> str:
    """A YAML scalar for any string: JSON strings are YAML double-quoted scalars."""
    return json.dumps(value, ensure_ascii=False)


def _flow(values: Sequence[str]) -> str:
    return "[" + ", ".join(_q(value) for value in values) + "]"


def _listed(metadata: ServerMetadata, name: str) -> str:
    values: tuple[str, ...] | None = getattr(metadata, name)
    return "absent" if values is None else ", ".join(values) or "empty"


def _usable_url(value: object) -> str | None:
    """A URL a spec can hold as is: spec URLs treat ``{...}`` as placeholders."""
    if not isinstance(value, str) or "{" in value or "}" in value:
        return None
    return value


def is_openid(metadata: ServerMetadata) -> bool:
    """OpenID Provider Metadata: ``id_token_signing_alg_values_supported`` is REQUIRED there
    (OpenID Connect Discovery 1.0 §3) and means nothing in plain RFC 8414 metadata."""
    return "id_token_signing_alg_values_supported" in metadata.raw


def draft_spec(metadata: ServerMetadata, provider_id: str) -> str:
    """The starter spec text for ``metadata``; raises :class:`DraftError` when the document
    lacks what every spec needs (a token endpoint)."""
    oidc = is_openid(metadata)
    source = metadata.document_url or metadata_urls(metadata.issuer)[0]
    grants = _grants(metadata)
    lines = [
        "# yaml-language-server: $schema=../schema/provider-spec.schema.json",
        "# Drafted by `oauthgen draft` from the metadata document at",
        f"#   {source}",
        "# (OpenID Connect Discovery / RFC 8414). Everything below is what that document says.",
        "# Still needs a human (search for TODO): the name, the documentation pages under docs",
        "# and sources, scope descriptions and default scopes, and the quirks no metadata",
        "# document describes: token answer format and extra fields, refresh token rotation,",
        "# error shapes, the API base URL and token placement. docs/spec.md lists every key;",
        "# check the result with `oauthgen validate`.",
        "spec: 1",
        f"id: {provider_id}",
        f"name: {_q(display_name_for(provider_id))}  # TODO: the provider's name",
        f"protocol: {'oidc' if oidc else 'oauth2'}"
        + (
            "  # OpenID Provider Metadata (it lists id_token_signing_alg_values_supported)"
            if oidc
            else "  # no id_token_signing_alg_values_supported: plain OAuth 2.0 metadata"
        ),
    ]
    documentation = _usable_url(metadata.raw.get("service_documentation"))
    lines += [
        "# TODO: docs: the provider's OAuth documentation page",
        f"docs: {_q(documentation or source)}",
        "sources:",
        f"  - {_q(source)}",
        "  # TODO: the provider's own pages that confirm each fact",
        f"grants: {_flow(grants)}",
        *_endpoints(metadata, source, grants),
        *_section(_scopes(metadata, oidc)),
    ]
    if "authorization_code" in grants:
        lines += _authorize(metadata)
    lines += _section(_token(metadata))
    lines += _refresh(metadata, oidc)
    if oidc:
        lines += _oidc(metadata)
    lines += _userinfo(metadata, oidc)
    return "\n".join(lines) + "\n"


def _section(lines: list[str]) -> list[str]:
    """``lines`` (a ``key:`` line, then indented ones), or only its comments, at the top level,
    when nothing but comments is left in it (YAML would read an empty section as null)."""
    body = lines[1:]
    if any(not line.lstrip().startswith("#") for line in body):
        return lines
    return [f"# {lines[0].strip()}", *(line.lstrip() for line in body)]


def _grants(metadata: ServerMetadata) -> list[str]:
    if metadata.token_endpoint is None:
        raise DraftError(
            f"the metadata of {metadata.issuer!r} has no token_endpoint; a spec needs one",
            EXIT_NETWORK,
        )
    advertised = metadata.grant_types_supported
    # RFC 8414 §2: an absent grant_types_supported means ["authorization_code", "implicit"].
    listed = ("authorization_code", "implicit") if advertised is None else advertised
    grants = []
    if metadata.authorization_endpoint is not None and "authorization_code" in listed:
        grants.append("authorization_code")
    if "client_credentials" in listed:
        grants.append("client_credentials")
    if metadata.device_authorization_endpoint is not None and (
        advertised is None or DEVICE_GRANT in advertised
    ):
        grants.append("device_code")
    if not grants:
        raise DraftError(
            f"the metadata of {metadata.issuer!r} offers no grant a spec can describe "
            f"(grant_types_supported: {_listed(metadata, 'grant_types_supported')}; "
            "authorization_code needs an authorization_endpoint, device_code a "
            "device_authorization_endpoint)",
            EXIT_NETWORK,
        )
    return grants


def _endpoints(metadata: ServerMetadata, source: str, grants: Sequence[str]) -> list[str]:
    found = {
        "issuer": metadata.issuer,
        "discovery": source,
        "authorize": metadata.authorization_endpoint if "authorization_code" in grants else None,
        "token": metadata.token_endpoint,
        "revoke": metadata.revocation_endpoint,
        "introspect": metadata.introspection_endpoint,
        "device": metadata.device_authorization_endpoint if "device_code" in grants else None,
        "userinfo": metadata.userinfo_endpoint,
    }
    lines = ["endpoints:"]
    for key, url in found.items():
        if url is None:
            continue
        if _usable_url(url) is None:
            lines.append(
                f"  # TODO {key}: {_q(url)} has braces, which a spec reads as placeholders"
            )
            continue
        lines.append(f"  {key}: {_q(url)}")
    return lines


def _scopes(metadata: ServerMetadata, oidc: bool) -> list[str]:
    supported = metadata.scopes_supported or ()
    usable = [scope for scope in supported if re.fullmatch(SCOPE_NAME.pattern, scope)]
    if oidc and "openid" not in usable:
        usable.insert(0, "openid")  # every OpenID Connect request carries it
    skipped = [scope for scope in supported if scope not in usable]
    lines = ["scopes:"]
    if not usable:
        lines.append("  # TODO: scopes_supported is absent or empty; list the provider's scopes")
    else:
        lines.append(
            "  known:  # from scopes_supported; TODO: describe each and drop internal ones"
        )
        for scope in usable:
            lines.append(f"    {_q(scope)}: {_q(STANDARD_SCOPES.get(scope, UNDESCRIBED_SCOPE))}")
    if skipped:
        lines.append(f"  # not valid scope names, left out: {', '.join(map(_q, skipped))}")
    if oidc:
        lines.append("  required: [openid]")
    lines.append("  # TODO: default: the scopes to request when the caller names none")
    return lines


def _authorize(metadata: ServerMetadata) -> list[str]:
    advertised = metadata.code_challenge_methods_supported
    methods = [method for method in PKCE_PREFERENCE if method in (advertised or ())]
    lines = ["authorize:"]
    if methods:
        lines += [
            "  pkce: supported  # TODO: required, if the provider refuses requests without it",
            f"  pkce_methods: {_flow(methods)}  # code_challenge_methods_supported: "
            + _listed(metadata, "code_challenge_methods_supported"),
        ]
    else:
        lines.append(
            "  pkce: unsupported  # code_challenge_methods_supported: "
            + _listed(metadata, "code_challenge_methods_supported")
            + " (RFC 8414: absent means no PKCE)"
        )
    lines.append("  state: required")
    return lines


def _token(metadata: ServerMetadata) -> list[str]:
    advertised = metadata.token_endpoint_auth_methods_supported
    listed = ("client_secret_basic",) if advertised is None else advertised
    chosen = next((method for method in CLIENT_AUTH_PREFERENCE if method in listed), None)
    listing = _listed(metadata, "token_endpoint_auth_methods_supported")
    note = f"token_endpoint_auth_methods_supported: {listing}"
    lines = ["token:"]
    if chosen is None:
        lines.append(f"  # TODO: client_auth: none of this server's methods is supported ({note})")
        return lines
    lines += [f"  # {note}; public clients use none", f"  client_auth: {chosen}"]
    if chosen == "client_secret_jwt":
        lines += ["  client_assertion:", "    signing_alg: HS256"]
    lines.append("  # TODO: response format and extra fields of the token answer (token.response)")
    return lines


def _refresh(metadata: ServerMetadata, oidc: bool) -> list[str]:
    if "refresh_token" not in (metadata.grant_types_supported or ()):
        return ["# No refresh section: grant_types_supported does not list refresh_token."]
    lines = [
        "refresh:  # grant_types_supported lists refresh_token",
        "  rotation: may_omit  # TODO: rotating, if each refresh token is single-use",
    ]
    if oidc and "offline_access" in (metadata.scopes_supported or ()):
        lines.append("  requires_scopes: [offline_access]  # TODO: check the provider needs it")
    return lines


def _oidc(metadata: ServerMetadata) -> list[str]:
    oidc_schema: Any = spec_json_schema()["$defs"]
    allowed = set(oidc_schema["Oidc"]["properties"]["signing_algs"]["items"]["enum"])
    advertised = _strings(metadata.raw.get("id_token_signing_alg_values_supported"))
    algorithms = [alg for alg in advertised if alg in allowed]
    note = f"id_token_signing_alg_values_supported: {', '.join(advertised) or 'empty'}"
    lines = ["oidc:", "  nonce: supported"]
    if algorithms:
        lines.append(f"  signing_algs: {_flow(algorithms)}  # {note}")
    else:
        lines.append(f"  # TODO: signing_algs: none of this server's is supported ({note})")
    return lines


def _strings(value: object) -> list[str]:
    """The strings of a JSON array from the document (anything else: none)."""
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _userinfo(metadata: ServerMetadata, oidc: bool) -> list[str]:
    if metadata.userinfo_endpoint is None and not oidc:
        return []
    claims = _strings(metadata.raw.get("claims_supported"))
    names = [claim for claim in claims if _snake_name(claim)]
    skipped = [claim for claim in claims if claim not in names]
    if (oidc or not names) and "sub" not in names:
        names.insert(0, "sub")  # OpenID Connect Core 1.0 §5.1: always present
    id_field = "sub" if "sub" in names else names[0]
    source = "endpoint" if metadata.userinfo_endpoint is not None else "id_token"
    lines = ["userinfo:", f"  source: {source}", f"  id_field: {id_field}"]
    if id_field != "sub" or not oidc:
        lines[-1] += "  # TODO: the field holding the stable user id"
    lines.append("  fields:  # from claims_supported; TODO: types, and which are always present")
    for name in names:
        required = ", required: true" if name == id_field else ""
        lines.append(f"    {name}: {{type: {CLAIM_TYPES.get(name, 'str')}{required}}}")
    if skipped:
        shown = ", ".join(_q(claim) for claim in skipped)
        lines.append(f"  # claims that are not snake_case names, left out: {shown}")
    return lines


def _snake_name(value: str) -> bool:
    if not re.fullmatch(SNAKE_NAME.pattern, value):
        return False
    return SNAKE_NAME.extra_check is None or SNAKE_NAME.extra_check(value) is None


def make_draft(
    issuer: str,
    provider_id: str,
    out: Path,
    *,
    session: requests.Session | None = None,
    timeout: float | tuple[float, float] = (5, 30),
) -> Draft:
    """Discover ``issuer``, draft the spec and validate and render it in memory.

    Raises :class:`DraftError`: a bad id or issuer URL (usage), a server that does not answer
    or serves unusable metadata (network), a draft that does not validate (spec errors: a bug
    here, reported with the loader's diagnostics).
    """
    if not re.fullmatch(PROVIDER_ID.pattern, provider_id):
        raise DraftError(
            f"draft: --id {provider_id!r} is not a valid provider id (hint: {PROVIDER_ID.hint})",
            EXIT_USAGE,
        )
    problem = PROVIDER_ID.extra_check(provider_id) if PROVIDER_ID.extra_check else None
    if problem is not None:
        raise DraftError(f"draft: --id: {problem.message} (hint: {problem.hint})", EXIT_USAGE)
    try:
        metadata_urls(issuer)
    except DiscoveryError as exc:
        raise DraftError(f"draft: {exc}", EXIT_USAGE) from None
    try:
        metadata = discover(issuer, session=session, timeout=timeout)
    except DiscoveryError as exc:
        raise DraftError(f"draft: {exc}", EXIT_NETWORK) from None
    text = draft_spec(metadata, provider_id)
    try:
        loaded = parse_spec(text, out.as_posix())
        render_module(loaded, source=header_source(out.as_posix()))
    except SpecValidationError as exc:
        details = "\n".join(str(diagnostic) for diagnostic in exc.diagnostics)
        raise DraftError(
            f"draft: internal error (please report it): the draft does not validate:\n{details}",
            EXIT_SPEC_ERRORS,
        ) from None
    except GenerationError as exc:
        raise DraftError(
            f"draft: internal error (please report it): {exc}", EXIT_SPEC_ERRORS
        ) from exc
    return Draft(text, loaded)


def cmd_draft(args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out is not None else Path("specs") / f"{args.id}.yaml"
    if out.exists() and not args.force:
        print(
            f"oauthgen: draft: {out.as_posix()} already exists; nothing written "
            "(--force replaces it)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        draft = make_draft(args.issuer, args.id, out)
    except DraftError as exc:
        print(f"oauthgen: {exc}", file=sys.stderr)
        return exc.code
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(out, draft.text.encode("utf-8"))
    except OSError as exc:
        print(f"oauthgen: draft: {exc.filename or out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    todo = draft.text.count("TODO")
    print(
        f"oauthgen: {out.as_posix()}: drafted {draft.loaded.spec.id} "
        f"({draft.loaded.spec.protocol}) from {args.issuer}; it validates; "
        f"{todo} TODO comment(s) for a human",
        file=sys.stderr,
    )
    return EXIT_OK


def add_draft_command(subparsers: Any, subcommand: Subcommand) -> None:
    """Register ``draft`` with the main parser."""
    draft = subcommand(
        subparsers,
        "draft",
        "write a starter spec from an issuer's discovery document (RFC 8414 / OpenID)",
        "oauthgen draft https://accounts.example.com --id example --out specs/example.yaml",
        cmd_draft,
    )
    draft.add_argument("issuer", metavar="ISSUER_URL", help="the issuer identifier (https://...)")
    draft.add_argument(
        "--id", required=True, metavar="NAME", help="provider id: lowercase letters, digits, _"
    )
    draft.add_argument("--out", metavar="FILE", help="default: specs/NAME.yaml")
    draft.add_argument("--force", action="store_true", help="replace FILE if it exists")
