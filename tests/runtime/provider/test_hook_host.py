"""What a hook sees of the client: one public HookHost, whatever the hook point."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest

from runtime.provider import OAuth2Provider, SpecView
from runtime.provider.hooks import BUILTIN_HOOKS, HOOKS, HookHost, HookInfo
from tests.support.clocks import Clock

from .support import inline_spec, oauth2_class

NOW = 1_700_000_000.0
seen: list[HookHost] = []


def probe_authorize_url(host: HookHost, url: str) -> str:
    seen.append(host)
    return url + "&probed=" + str(int(host.now()))


@pytest.fixture
def probe_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    seen.clear()
    probe = HookInfo("probe_authorize_url", "authorize_url", "Test probe.", probe_authorize_url)
    registry = MappingProxyType({**BUILTIN_HOOKS, probe.name: probe})
    monkeypatch.setattr(HOOKS, "_hooks", registry)


def probed_client(**kwargs: Any) -> OAuth2Provider:
    spec = inline_spec(
        "authorize:\n  pkce: unsupported\n"
        "variables:\n  region: {description: Region, default: eu}\n"
        "hooks:\n  authorize_url: [probe_authorize_url]\n",
        endpoints=(
            "endpoints:\n  authorize: https://{region}.acme.example/authorize\n"
            "  token: https://{region}.acme.example/token\n"
        ),
    )
    return oauth2_class(spec)(client_id="cid", client_secret="s3cret", clock=Clock(NOW), **kwargs)


@pytest.mark.usefixtures("probe_hook")
def test_a_hook_gets_the_host_and_uses_the_clients_clock() -> None:
    client = probed_client()
    request = client._authorization_url(scopes=None, state=None, options={})
    assert request.url.endswith(f"&probed={int(NOW)}")
    assert len(seen) == 1 and isinstance(seen[0], HookHost)


@pytest.mark.usefixtures("probe_hook")
def test_the_host_shows_credentials_variables_token_and_session() -> None:
    client = probed_client(token={"access_token": "AT", "token_type": "Bearer"})
    host = client._hook_host
    assert (host.client_id, host.client_secret, host.private_key, host.key_id) == (
        "cid",
        "s3cret",
        None,
        None,
    )
    assert host.spec is client.spec
    assert isinstance(host.spec, SpecView) and host.spec.variables["region"].type == "str"
    assert host.http is client.session
    assert host.access_token == "AT"
    assert host.variable("region") == "eu"
    with pytest.raises(ValueError, match="needs the variable 'team_id'"):
        host.variable("team_id")
    with pytest.raises(ValueError, match="has no introspect endpoint"):
        host.introspect("AT")


@pytest.mark.usefixtures("probe_hook")
def test_the_hosts_repr_shows_no_secret() -> None:
    client = probed_client(token={"access_token": "AT-VALUE", "token_type": "Bearer"})
    text = repr(client._hook_host)
    assert "cid" in text
    assert "s3cret" not in text and "AT-VALUE" not in text


def test_every_builtin_hook_takes_the_host_first() -> None:
    import inspect
    import typing

    for info in BUILTIN_HOOKS.values():
        first = next(iter(inspect.signature(info.function).parameters.values()))
        hints = typing.get_type_hints(info.function)
        assert first.name == "host" and hints["host"] is HookHost, info.name
