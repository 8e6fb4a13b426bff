"""``OAuth1Provider``: the OAuth 1.0a dance driven by a provider spec."""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from requests.auth import AuthBase

from ..core.reading import header_of, status_of, url_of
from .base import ProviderBase, TokenT
from .defaults import DEFAULT_TIMEOUT, Timeout
from .per_call import DEFAULT, PerCall
from .templates import render_text

if TYPE_CHECKING:
    import requests

    from ..oauth1_auth import OAuth1
    from ..oauth1_session import OAuth1Session

# oauthlib's SIGNATURE_TYPE_* values, by the spec's names for them.
_SIGNATURE_TYPES = {"header": "AUTH_HEADER", "query": "QUERY", "body": "BODY"}


class OAuth1Provider(ProviderBase[TokenT]):
    """Base of generated OAuth 1.0a clients; the subclass sets ``spec``.

    ``session`` signs every request (``oauth1.signature_method`` / ``signature_type`` /
    ``realm``) and, once authorized, adds ``api.headers`` and ``api.query``.
    """

    _access_token_field = "oauth_token"

    def __init__(
        self,
        *,
        client_key: str,
        client_secret: str | None = None,
        callback_uri: str | None = None,
        variables: Mapping[str, object] | None = None,
        environment: str | None = None,
        token: Mapping[str, Any] | None = None,
        rsa_key: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        from ..oauth1_session import OAuth1Session

        self._setup(
            client_id=client_key,
            client_secret=client_secret,
            variables=variables,
            environment=environment,
            private_key=rsa_key,
            clock=clock,
        )
        rules = self.spec.oauth1
        self.callback_uri = callback_uri
        self._session = OAuth1Session(
            client_key,
            client_secret=client_secret,
            signature_method=rules.signature_method,
            signature_type=_SIGNATURE_TYPES[rules.signature_type],
            rsa_key=rsa_key,
            realm=rules.realm,
        )
        self._signer: OAuth1 = self._session.auth  # type: ignore[assignment]
        self._session.auth = _ApiExtras(self._signer, self)
        self._token: dict[str, Any] = {}
        self._request_token: str | None = None
        if token is not None:
            self._set_token(dict(token))

    @property
    def session(self) -> OAuth1Session:
        """A requests session that signs every request with the client's OAuth 1 token."""
        return self._session

    @property
    def http(self) -> OAuth1Session:
        return self._session

    @property
    def token(self) -> TokenT | None:
        """A copy of the current token; None before the access token step."""
        # What _fetch_access_token checked, or a token given to the constructor.
        return cast(TokenT, dict(self._token)) if self._token else None

    def _current_token(self) -> Mapping[str, Any] | None:
        return self._token or None

    def _set_token(self, token: dict[str, Any]) -> None:
        from ..oauth1_session import TokenMissing

        if not token.get("oauth_token"):
            raise TokenMissing("an OAuth 1 token needs oauth_token", token)
        client = self._signer.client
        client.resource_owner_key = str(token["oauth_token"])
        client.resource_owner_secret = str(token.get("oauth_token_secret") or "") or None
        self._token = token

    # -- the three steps -------------------------------------------------------------------

    def _fetch_request_token(
        self, *, options: Mapping[str, object] | None = None, per_call: PerCall = DEFAULT
    ) -> dict[str, Any]:
        """Temporary credentials (``oauth1.request_token``: method, extra parameters and the
        typed ``options``, whose None values are not sent)."""
        from ..oauth1_session import TokenRequestDenied
        from .authorization import fixed_params, typed_option_params

        rules = self.spec.oauth1.request_token
        chosen = typed_option_params(rules.options, options or {}, what="request token")
        client = self._signer.client
        client.resource_owner_key = client.resource_owner_secret = client.verifier = None
        self._token = {}
        params = dict(
            fixed_params(rules.params, self._placeholders(), "oauth1.request_token.params")
        )
        params.update(chosen)
        client.callback_uri = self.callback_uri
        try:
            response = self._send(
                rules.method, self._endpoint("request_token"), params, per_call, "request token"
            )
        finally:
            client.callback_uri = None
        token = self._answer(response, "request token")
        confirmed = token.get("oauth_callback_confirmed")
        if self.callback_uri and confirmed is not None and str(confirmed).lower() != "true":
            raise TokenRequestDenied(
                "the request token answer did not confirm the callback (oauth_callback_confirmed)",
                response,
            )
        client.resource_owner_key = token["oauth_token"]
        client.resource_owner_secret = token.get("oauth_token_secret")
        self._request_token = str(token["oauth_token"])
        return token

    def _authorization_url(
        self,
        *,
        request_token: str | None = None,
        options: Mapping[str, object],
        scopes: Sequence[str] | None = None,
    ) -> str:
        """Where to send the user: ``oauth_token``, the callback under ``oauth1.callback_param``,
        scopes (when the spec has them), ``authorize.params`` and options."""
        from .authorization import finish_url, fixed_params, option_params, requested_scopes
        from .scopes import join_scopes

        spec = self.spec
        token = request_token or self._request_token
        if not token:
            raise ValueError("no request token: call _fetch_request_token() first")
        params = [("oauth_token", token)]
        callback_param = spec.oauth1.callback_param
        if callback_param and self.callback_uri:
            params.append((callback_param, self.callback_uri))
        chosen = requested_scopes(spec, scopes)
        if chosen:
            params.append(
                (spec.scopes.param, join_scopes(chosen, spec.scopes.separator))
            )
        params += fixed_params(
            spec.authorize.params, self._placeholders(), "authorize.params"
        )
        params += option_params(spec, options)
        url = finish_url(self._endpoint("authorize"), params, spec.authorize)
        for hook in self._hook_functions("authorize_url"):
            url = hook(url)
        return url

    def _fetch_access_token(
        self,
        *,
        authorization_response: str | None = None,
        verifier: str | None = None,
        per_call: PerCall = DEFAULT,
    ) -> TokenT:
        """Token credentials, from the callback (checked, captured) or an explicit verifier."""
        from ..core.callback import callback_params
        from ..oauth1_session import TokenMissing, VerifierMissing
        from .errors import FieldTypeError
        from .fields import read_typed_fields
        from .flow_errors import CallbackValueError

        rules = self.spec.oauth1.access_token
        if authorization_response is not None:
            params = callback_params(authorization_response, self.spec.callback.mode)
            self._callback_errors(params)
            returned = params.get("oauth_token")
            if (
                returned
                and self._request_token
                and not hmac.compare_digest(returned.encode(), self._request_token.encode())
            ):
                raise CallbackValueError(
                    "oauth_token", "the callback's oauth_token is not this client's request token"
                )
            verifier = verifier or params.get("oauth_verifier")
            self._callback_values(params)
        if rules.send_verifier and not verifier:
            raise VerifierMissing("no oauth_verifier: pass the callback or verifier=")
        client = self._signer.client
        client.verifier = verifier if rules.send_verifier else None
        try:
            response = self._send(
                rules.method, self._endpoint("access_token"), {}, per_call, "access token"
            )
        finally:
            client.verifier = None
        token = self._answer(response, "access token")
        try:
            token.update(read_typed_fields(token, rules.extra, what="access token answer"))
        except FieldTypeError as exc:
            raise TokenMissing(str(exc), {name: "***" for name in token}) from None
        checked = self._checked_token(dict(token))  # a copy, before the client keeps it
        self._set_token(token)
        self._request_token = None
        return checked

    # -- after the dance -------------------------------------------------------------------

    def _userinfo(self, *, timeout: Timeout = None) -> dict[str, Any]:
        if self.spec.userinfo is None:
            raise ValueError(f"{self.spec.name} declares no userinfo")
        self._require_token("userinfo()")
        return self._profile_from_endpoint(
            self._endpoint("userinfo", with_token=True), timeout=timeout
        )

    def _revoke(self, *, per_call: PerCall = DEFAULT) -> None:
        """Invalidate the access token at ``endpoints.revoke`` (a signed request)."""
        from ..oauth1_session import TokenRequestDenied

        rules = self.spec.revocation
        self._require_token("revoke()")
        params: dict[str, str] = {}
        if rules.token_param:
            params[rules.token_param] = str(self._token.get("oauth_token") or "")
        response = self._send(
            rules.method,
            self._endpoint("revoke", with_token=True),
            params,
            per_call,
            "revocation",
        )
        if response.status_code not in rules.success_status:
            raise TokenRequestDenied(
                f"revocation failed with HTTP status {response.status_code}", response
            )
        client = self._signer.client
        client.resource_owner_key = client.resource_owner_secret = None
        self._token = {}

    # -- plumbing --------------------------------------------------------------------------

    def _endpoint(self, name: str, *, with_token: bool = False) -> str:
        url = self._spec_url(name, with_token=with_token)
        if url is None:
            raise ValueError(f"{self.spec.name} has no {name} endpoint")
        return url

    def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, str],
        per_call: PerCall = DEFAULT,
        what: str = "request",
    ) -> requests.Response:
        """A token-type request (request token, access token, revocation): never redirected;
        ``per_call`` sets its timeout and adds extra parameters (never an ``oauth_`` one, which
        the signature owns)."""
        from .._transport import without_redirects
        from ..oauth1_session import TokenRequestRedirected

        sent = dict(params)
        per_call.add_extras(sent, what=what, reserved_prefix="oauth_")
        where = "data" if method.upper() == "POST" else "params"
        return without_redirects(
            self._session.request,
            url,
            method.upper(),
            url,
            refused=TokenRequestRedirected,
            timeout=DEFAULT_TIMEOUT if per_call.timeout is None else per_call.timeout,
            **{where: sent},
        )

    def _answer(self, response: requests.Response, what: str) -> dict[str, Any]:
        from ..core.answers import decode_answer, error_in
        from ..oauth1_session import TokenMissing, TokenRequestDenied

        url = url_of(response)
        document = decode_answer(response, "auto")
        found = error_in(document, self.spec.errors) if document else None
        status = status_of(response)
        failed = status >= 400 if status is not None else found is not None
        if failed or (found and self.spec.errors.in_success_body):
            detail = f": {_server_error(*found)}" if found else ""
            with_status = f" with HTTP status {status}" if status is not None else ""
            raise TokenRequestDenied(
                f"{what} request to {url} failed{with_status}{detail}", response
            )
        if document is None:
            content_type = header_of(response, "Content-Type") or "no content type"
            raise TokenMissing(
                f"the {what} answer from {url} is neither form-encoded nor JSON ({content_type})",
                {},
            )
        if not document.get("oauth_token"):
            raise TokenMissing(
                f"the {what} answer from {url} has no oauth_token", {k: "***" for k in document}
            )
        return document


class _ApiExtras(AuthBase):
    """Adds ``api.headers`` / ``api.query`` once the client holds an access token, then signs."""

    def __init__(self, signer: OAuth1, provider: OAuth1Provider[Any]) -> None:
        self.signer = signer
        self.provider = provider

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        from oauthlib.common import add_params_to_uri

        api = self.provider.spec.api
        token = self.provider._current_token()
        if token and self.provider._request_token is None and (api.headers or api.query):
            from .api_session import SECRET_PLACEHOLDER

            values = self.provider._placeholders(token)
            host = (urlsplit(str(r.url)).hostname or "").lower()
            for name, template in api.headers.items():
                if SECRET_PLACEHOLDER in template and host not in self.provider._api_hosts():
                    continue  # the client secret goes to the provider's own API hosts only
                r.headers[name] = render_text(
                    template, values, where=f"api.headers.{name}", header=True
                )
            query = [
                (name, render_text(template, values, where=f"api.query.{name}"))
                for name, template in api.query.items()
            ]
            if query:
                r.url = add_params_to_uri(str(r.url), query)
        return self.signer(r)


def _server_error(code: object, message: object) -> str:
    """An error the server reported, its words quoted and bounded."""
    from ..errors import server_text

    return f"the server said {server_text(code, 64)}" + (
        f" ({server_text(message)})" if message else ""
    )
