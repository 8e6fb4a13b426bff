"""Typing of the generated ``ManyQuirks`` client (OAuth 2 with every flow and many quirks).

Checked by ``mypy --strict`` (``tests/typing/test_typing.py``; CI's mypy run covers it too).
``assert_type`` lines must hold; a line marked ``# type: ignore[<code>]`` must fail with that
code, and ``--warn-unused-ignores`` (part of ``--strict``) fails the run when it stops failing.
Nothing here is executed.
"""

from __future__ import annotations

from typing import Any, Literal

from typing_extensions import assert_type

from runtime.device import DeviceAuthorization
from runtime.provider import AuthorizationRequest, RuntimeSpec
from tests.generator.golden.many_quirks import (
    ManyQuirks,
    ManyQuirksCallback,
    ManyQuirksProfile,
    ManyQuirksToken,
    Scope,
    Scopes,
)


def construction() -> None:
    ManyQuirks(client_id="id", shop="acme")
    ManyQuirks(
        client_id="id",
        client_secret="secret",
        redirect_uri="https://app.example.com/callback",
        shop="acme",
        api_version="v21.0",
        region=2,
        environment="sandbox",
    )
    ManyQuirks(client_id="id")  # type: ignore[call-arg]
    ManyQuirks(shop="acme")  # type: ignore[call-arg]
    ManyQuirks("id", shop="acme")  # type: ignore[call-arg]
    ManyQuirks(client_id="id", shop="acme", api_version="v9")  # type: ignore[arg-type]
    ManyQuirks(client_id="id", shop="acme", region=4)  # type: ignore[arg-type]
    ManyQuirks(client_id="id", shop="acme", region="2")  # type: ignore[arg-type]
    ManyQuirks(client_id="id", shop="acme", environment="production")  # type: ignore[arg-type]
    ManyQuirks(client_id="id", shop=1)  # type: ignore[arg-type]
    # No JWT client authentication in this spec, so no private_key argument.
    ManyQuirks(client_id="id", shop="acme", private_key="pem")  # type: ignore[call-arg]


def saved_tokens_and_updaters() -> None:
    def save(token: ManyQuirksToken) -> None:
        assert_type(token["access_token"], str)

    def save_anything(token: dict[str, Any]) -> object:
        return token

    def wrong(token: int) -> None:
        pass

    ManyQuirks(client_id="id", shop="acme", token_updater=save)
    ManyQuirks(client_id="id", shop="acme", token_updater=wrong)  # type: ignore[arg-type]
    ManyQuirks(client_id="id", shop="acme", token={"access_token": "a", "instance_url": "u"})
    ManyQuirks(client_id="id", shop="acme", token={"access_token": "a"})  # type: ignore[arg-type]
    ManyQuirks(
        client_id="id",
        shop="acme",
        token={"access_token": "a", "instance_url": "u", "expires_in": "1"},  # type: ignore[arg-type]
    )
    del save_anything


def scopes() -> None:
    scope: Scope = "read:user"
    bad: Scope = "read:usr"  # type: ignore[assignment]
    constant: Scope = Scopes.READ_USER
    assert_type(Scopes.IDENTITY_EMAIL, Literal["identity[email]"])
    Scopes.OFFLINE = "offline"  # type: ignore[misc]
    del scope, bad, constant


def authorization(client: ManyQuirks) -> None:
    url, state = client.authorization_url(
        scopes=["read:user", Scopes.IDENTITY_EMAIL],
        state="xyz",
        user_scopes=["offline"],
        offline=False,
        prompt="consent",
        allow_signup=True,
        login_hint="someone",
        max_age=60,
    )
    assert_type(url, str)
    assert_type(state, str)
    request = client.authorization_url()
    assert_type(request, AuthorizationRequest)
    assert_type(request.url, str)
    assert_type(request.state, str | None)
    assert_type(request.code_verifier, str | None)
    assert_type(request.to_dict(), dict[str, str | int | None])
    assert_type(AuthorizationRequest.from_dict({"version": 1}), AuthorizationRequest)
    request.state = "forged"  # type: ignore[misc]
    assert_type(request[0], str)  # indexes like the earlier (url, state) pair
    client.authorization_url(scopes=["read:usr"])  # type: ignore[list-item]
    client.authorization_url(scopes="read:user")  # type: ignore[arg-type]
    client.authorization_url(prompt="always")  # type: ignore[arg-type]
    client.authorization_url(allow_signup="yes")  # type: ignore[arg-type]
    client.authorization_url(max_age="60")  # type: ignore[arg-type]
    client.authorization_url(display="popup")  # type: ignore[call-arg]
    client.authorization_url(["read:user"])  # type: ignore[call-arg]


def tokens(client: ManyQuirks) -> None:
    token = client.fetch_token(authorization_response="https://app.example.com/cb?code=c&state=s")
    assert_type(token, ManyQuirksToken)
    assert_type(token["access_token"], str)
    assert_type(token["instance_url"], str)
    assert_type(token.get("expires_at"), float | None)
    assert_type(token.get("scope"), list[Scope] | None)  # the provider echoes known names
    granted: list[Literal["read:usr"]] = token.get("scope", [])  # type: ignore[assignment]
    assert_type(token.get("live_mode"), bool | None)
    assert_type(token.get("athlete"), dict[str, Any] | None)
    token["not_a_field"]  # type: ignore[typeddict-item]
    held = client.token
    assert_type(held, ManyQuirksToken | None)  # None before the first token
    client.token["access_token"]  # type: ignore[index]
    if held is not None:
        assert_type(held["instance_url"], str)
    client.fetch_token(code=1)  # type: ignore[arg-type]
    request = client.authorization_url()
    callback = "https://app.example.com/cb?code=c&state=s"
    assert_type(client.fetch_token(callback, request=request), ManyQuirksToken)
    assert_type(client.fetch_token(code="c", request=request), ManyQuirksToken)
    client.fetch_token(callback, request=request.to_dict())  # type: ignore[arg-type]
    client.fetch_token(callback, request)  # type: ignore[call-arg]  # request= is keyword-only
    assert_type(client.refresh(), ManyQuirksToken)
    assert_type(client.client_credentials(scopes=["user:email"]), ManyQuirksToken)
    assert_type(client.exchange_long_lived(), ManyQuirksToken)
    assert_type(client.exchange_long_lived(token="t"), ManyQuirksToken)
    client.exchange_short_lived()  # type: ignore[attr-defined]
    client.password(username="u", password="p")  # type: ignore[attr-defined]
    settings = client.refresh(timeout=(3.0, 10.0), extra={"resource": "api"})
    assert_type(settings, ManyQuirksToken)
    client.fetch_token(code="c", timeout=5, extra={"audience": "api"})
    client.fetch_token(code="c", extra={"audience": 1})  # type: ignore[dict-item]
    client.refresh(timeout="5")  # type: ignore[arg-type]
    client.authorization_url(timeout=5)  # type: ignore[call-arg]  # no request is sent
    client.userinfo(extra={"fields": "id"})  # type: ignore[call-arg]  # a timeout only
    del granted


def device_flow(client: ManyQuirks) -> None:
    device = client.device_authorization(scopes=["read:user"])
    assert_type(device, DeviceAuthorization)
    assert_type(device["user_code"], str)
    assert_type(client.poll_device_token(device), ManyQuirksToken)
    client.poll_device_token()  # type: ignore[call-arg]
    client.poll_device_token({"device_code": "d"})  # type: ignore[typeddict-item]


def after_sign_in(client: ManyQuirks) -> None:
    client.revoke(token="t", token_type_hint="refresh_token")
    assert_type(client.introspect(), dict[str, Any])
    assert_type(client.introspect(token="t"), dict[str, Any])
    client.introspect("t")  # type: ignore[call-arg]  # keyword-only
    profile = client.userinfo()
    assert_type(profile, ManyQuirksProfile)
    assert_type(profile["id"], int)
    assert_type(profile.get("avatar"), str | None)
    profile["name"]  # type: ignore[typeddict-item]
    captured = client.captured()
    assert_type(captured, ManyQuirksCallback)
    assert_type(captured.get("realm_id"), str | None)
    assert_type(captured.get("user"), Any | None)


def the_spec_is_typed_section_by_section() -> None:
    spec = ManyQuirks.spec
    assert_type(spec.token.response.format, Literal["json", "form", "auto"])
    assert_type(spec.errors.in_success_body, bool)
    assert_type(spec.scopes.default, tuple[str, ...])
    assert_type(spec.data, RuntimeSpec)
    _ = spec.token.respones  # type: ignore[attr-defined]
    _ = spec.refresh.supported  # type: ignore[union-attr]
    spec.token.method = "GET"  # type: ignore[misc]
    embedded: list[RuntimeSpec] = []
    embedded.append({"token": {"method": "PUT"}})  # type: ignore[typeddict-item]
    embedded.append({"tokens": {}})  # type: ignore[typeddict-unknown-key]
