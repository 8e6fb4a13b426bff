"""The commented starter spec printed by ``oauthgen new NAME``."""

from __future__ import annotations

from runtime.spec import Protocol

_HEADER = """\
# yaml-language-server: $schema=../schema/provider-spec.schema.json
# Provider spec for __NAME__. Check it with `oauthgen validate __ID__.yaml`;
# `oauthgen schema` documents every key. Replace the example.com facts with the
# provider's, list where each came from under `sources`, and mark a section
# `unconfirmed: true` when no source confirms it.
spec: 1
id: __ID__                 # module name: generated/__ID__/
name: __NAME__
"""

_OAUTH2 = """\
protocol: oauth2
docs: https://example.com/docs/oauth
sources:
  - https://example.com/docs/oauth

# Per-deployment values, used as {host} below; each becomes a typed argument.
variables:
  host:
    type: str
    default: auth.example.com
    description: Host of the authorization server.

endpoints:
  authorize: https://{host}/oauth/authorize
  token: https://{host}/oauth/token
  revoke: https://{host}/oauth/revoke
  userinfo: https://api.example.com/v1/me

scopes:
  separator: " "           # "," for GitHub-style lists
  known:                   # these become the Scope Literal
    profile: Read the user's profile.
    email: Read the user's email address.
  default: [profile]

authorize:
  pkce: supported          # required | supported | unsupported
  state: required

token:
  client_auth: client_secret_basic   # or client_secret_post, none, private_key_jwt, ...
  response:
    format: json           # json | form | auto

refresh:
  rotation: may_omit       # rotating: every refresh token is single-use

api:
  base_url: https://api.example.com
  token_placement: header  # header | query | body
  token_scheme: Bearer

userinfo:
  id_field: id
  fields:                  # these become the typed profile
    id: {type: str, required: true}
    email: {type: str}
    name: {type: str}
"""

_OIDC = """\
protocol: oidc
docs: https://example.com/docs/openid
sources:
  - https://example.com/docs/openid

variables:
  tenant:
    type: str
    default: common
    description: Directory (tenant) the users sign in to.

endpoints:
  issuer: https://login.example.com/{tenant}/v2.0
  authorize: https://login.example.com/{tenant}/v2.0/authorize
  token: https://login.example.com/{tenant}/v2.0/token
  userinfo: https://login.example.com/{tenant}/v2.0/userinfo

scopes:
  known:
    openid: Sign the user in.
    profile: Read the user's name.
    email: Read the user's email address.
    offline_access: Get a refresh token.
  required: [openid]
  default: [profile, email]

authorize:
  pkce: required

token:
  client_auth: client_secret_post

oidc:
  nonce: supported
  signing_algs: [RS256]

refresh:
  requires_scopes: [offline_access]

userinfo:
  source: id_token         # read the profile from the id_token's claims
  id_field: sub
  fields:
    sub: {type: str, required: true}
    email: {type: str}
    name: {type: str}
"""

_OAUTH1 = """\
protocol: oauth1
docs: https://example.com/docs/oauth1
sources:
  - https://example.com/docs/oauth1

endpoints:
  request_token: https://api.example.com/oauth/request_token
  authorize: https://api.example.com/oauth/authorize
  access_token: https://api.example.com/oauth/access_token
  userinfo: https://api.example.com/1/account.json

oauth1:
  signature_method: HMAC-SHA1   # HMAC-SHA256, RSA-SHA1, PLAINTEXT, ...
  signature_type: header        # header | query | body
  request_token:
    method: POST
  access_token:
    method: POST
    extra:                      # provider fields kept on the token
      user_id: {type: str}

callback:
  error:
    cancel_param: denied        # present when the user cancels

userinfo:
  id_field: id
  fields:
    id: {type: str, required: true}
    name: {type: str}
"""

_BODIES: dict[Protocol, str] = {"oauth2": _OAUTH2, "oidc": _OIDC, "oauth1": _OAUTH1}


def display_name_for(provider_id: str) -> str:
    return " ".join(word.capitalize() for word in provider_id.split("_") if word)


def starter_spec(provider_id: str, protocol: Protocol = "oauth2") -> str:
    """A commented spec that validates as is; ``provider_id`` must already be a valid id."""
    header = _HEADER.replace("__ID__", provider_id).replace(
        "__NAME__", display_name_for(provider_id)
    )
    return header + _BODIES[protocol]
