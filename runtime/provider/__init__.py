"""The provider engine: applies a spec's declared behaviour to OAuth 1 / OAuth 2 / OIDC flows.

A generated client is a subclass created with ``spec=_SPEC`` (``generator.spec.normalize``'s
plain data, typed by ``spec_types``: only what differs from ``spec_defaults.DEFAULTS``, merged
back by ``with_defaults`` when the class is created) and typed methods over the protected flow
methods here. The class's ``spec`` is the read-only view of the merged spec (``spec_view``,
``spec.token.response.format``), so mypy checks every field the runtime reads. Nothing below
knows a provider by name; named hooks (``runtime.provider.hooks``) hold what cannot be data.
Importing this package is light (no oauthlib, PyJWT, cryptography or XML, nor the spec's
TypedDicts): the session layer and the flow modules load when a client is created or a flow
runs.

Errors: configuration mistakes are ``ValueError``s (``errors``: VariableError, TemplateError);
everything a provider or a callback gets wrong is an oauthlib ``OAuth2Error`` (oauthlib's own
classes by error code, ``runtime.errors``, and ``flow_errors``).

Where each spec field takes effect:

=====================================================  =========================================
spec field                                             applied in
=====================================================  =========================================
-  grants                                              ``OAuth2Provider._require_grant``: a flow
                                                       of an undeclared grant is a ValueError
-  variables (type, choices, pattern, default),        ``variables.resolve_variables`` at
   environments.<name>.variables                       construction (given > environment >
                                                       default; unknown name/env: ValueError)
-  endpoints.* with {variable}, {client_id},           ``templates.render_url`` (host values must
   {access_token}, {token.x}                           be host labels; path/query percent-encoded;
                                                       a leading {token.x} must be an https base)
-  endpoints.issuer / discovery (oidc)                 ``metadata``: discovery only for endpoints
                                                       the spec lacks; ``discovery`` hooks; issuer
                                                       and id_token checks (``id_token``)
-  scopes.supported/param/separator/default/required,  ``authorization.oauth2_params``; scopes=None
   user_param                                          means default; required always first;
                                                       user scopes via options["user_scopes"]
-  authorize.response_type/response_mode/params/       ``authorization.oauth2_params`` and
   options/param_names/omit_empty/unencoded_params/    ``finish_url`` (``core.authorization``)
   fragment
-  authorize.pkce/pkce_methods/state, oidc.nonce       ``OAuth2Provider._authorization_url``
                                                       (S256 preferred), checked in ``_fetch_token``
-  callback.mode/code_param/state_param/error          ``core.callback``: URL, query string or
                                                       form_post body; errors raised as oauthlib
                                                       errors (cancel: AuthorizationDenied)
-  callback.capture (param, type, required)            ``callback.read_captures`` -> ``_captured()``
-  token.client_auth/client_assertion/                 ``authentication.authenticate`` (registry of
   include_client_id                                   runtime.client_auth + client_secret_bearer)
-  token.method/encoding/headers/params/param_names/   ``OAuth2Provider._token_call`` (every grant
   send_redirect_uri/grant_type                        at the token endpoint; renames also apply to
                                                       refresh, device, revocation, introspection)
-  token.response.format/key_case/paths/expires/       ``token_response.parse_token_response`` ->
   token_type/scope/extra                              expires_in + absolute expires_at, scope list;
                                                       extras a refresh answer omits are kept
-  errors.in_success_body/code_path/message_path/      ``core.answers.raise_for_error``
   success_flag                                        (typed oauthlib errors by code)
-  refresh.* (rotation may_omit|rotating,              ``OAuth2Provider._refresh``; requires_* in
   requires_scopes/params, leeway_seconds, ...)        the authorization request; leeway and auto
                                                       refresh via ``api_session.ProviderSession``
-  exchanges.<name>.*                                  ``OAuth2Provider._exchange``
-  token.response.refresh_expires / other_tokens       ``token_response`` (refresh-token expiry;
                                                       other tokens refreshed by
                                                       ``_refresh(which=...)``)
-  after_token.<name>, callback.capture.on_token       ``after_token.run_after_token`` in
                                                       ``OAuth2Provider._install``
-  api.base_url/token_placement/token_name/            ``api_session.ApiAuth`` (every request with
   token_scheme/headers/query                          the token); ``api_url``; token headers
                                                       stripped on cross-host redirects
-  userinfo.source/method/headers/params/root/         ``userinfo`` (+ ``userinfo_*`` hooks);
   id_field/fields                                     source id_token reads the id_token claims;
                                                       a profile without its id_field is an error
-  revocation.method/token_param/send_token_type_hint/ ``OAuth2Provider._revoke``
   client_auth/authenticate_with_token/success_status
-  device.client_auth/grant_type/response_paths/       ``_device_authorization`` /
   default_interval                                    ``_poll_device_token`` (runtime.device)
-  oauth1.signature_method/signature_type/realm/       ``OAuth1Provider`` (runtime.oauth1_session;
   callback_param/request_token/access_token           oauth_callback_confirmed must not be false)
-  hooks.<point>                                       the flow step named by the point, in order
                                                       (registry and signatures: ``hooks``)
=====================================================  =========================================
"""

from typing import TYPE_CHECKING, Any

from .base import with_defaults
from .defaults import DEFAULT_TIMEOUT
from .oauth1 import OAuth1Provider
from .oauth2 import OAuth2Provider
from .pending import PendingAuthorization
from .per_call import ExtraParameterError, PerCall
from .shapes import Shape
from .spec_view import SpecView

if TYPE_CHECKING:
    from .authorization_request import AuthorizationRequest
    from .base import RuntimeSpec

__all__ = [
    "DEFAULT_TIMEOUT",
    "AuthorizationRequest",
    "ExtraParameterError",
    "OAuth1Provider",
    "OAuth2Provider",
    "PendingAuthorization",
    "PerCall",
    "RuntimeSpec",
    "Shape",
    "SpecView",
    "with_defaults",
]


def __getattr__(name: str) -> Any:
    # Loaded on first use: dataclasses (and inspect with it) would add ~4 ms to every
    # ``import generated.<id>``, whose modules only name the type in annotations.
    if name == "AuthorizationRequest":
        from .authorization_request import AuthorizationRequest

        return AuthorizationRequest
    # The spec's TypedDicts cost ~2 ms to create; generated modules name them in annotations only.
    if name == "RuntimeSpec":
        from .spec_types import SpecData

        return SpecData
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
