"""Variables, environments, placeholders in URLs/params/headers."""

from __future__ import annotations

from typing import Any

import pytest
import requests_mock

from runtime.provider.errors import TemplateError, VariableError
from runtime.provider.templates import Placeholders, render_text, render_url
from tests.support.http import query

from .support import fixture_spec, inline_spec, oauth2_class

VARIABLE_SPEC = """\
grants: [authorization_code, client_credentials]
variables:
  shop: {type: str, pattern: "[a-z0-9][a-z0-9-]*"}
  host: {type: str, default: login.acme.example}
  region: {type: int, choices: [1, 2], default: 1}
  api_version: {type: str, choices: [v1, v2], default: v1}
environments:
  sandbox:
    variables: {host: sandbox.acme.example, region: 2}
"""

ENDPOINTS = """\
endpoints:
  authorize: https://{host}/{api_version}/authorize
  token: https://api{region}.acme.example/token
  userinfo: https://{shop}.acme.example/me
"""


def make(**kwargs: Any) -> object:
    provider = oauth2_class(inline_spec(VARIABLE_SPEC, endpoints=ENDPOINTS))
    return provider(client_id="cid", **kwargs)


def test_defaults_and_given_values_fill_the_endpoints() -> None:
    provider = oauth2_class(inline_spec(VARIABLE_SPEC, endpoints=ENDPOINTS))(
        client_id="cid", variables={"shop": "my-shop", "api_version": "v2"}
    )
    url, _ = provider._authorization_url(scopes=None, state=None, options={})
    assert url.startswith("https://login.acme.example/v2/authorize?")
    assert provider.variables == {
        "shop": "my-shop",
        "host": "login.acme.example",
        "region": 1,
        "api_version": "v2",
    }


def test_environment_overrides_defaults_but_not_given_values() -> None:
    cls = oauth2_class(inline_spec(VARIABLE_SPEC, endpoints=ENDPOINTS))
    provider = cls(client_id="cid", variables={"shop": "s", "region": 1}, environment="sandbox")
    assert provider.variables["host"] == "sandbox.acme.example"
    assert provider.variables["region"] == 1
    with requests_mock.Mocker() as m:
        m.post("https://api1.acme.example/token", json={"access_token": "t"})
        provider._client_credentials(scopes=None)
        assert m.called


def test_unknown_environment_lists_the_known_ones() -> None:
    with pytest.raises(
        ValueError, match=r"unknown environment 'prod'.*known environments: sandbox"
    ):
        make(variables={"shop": "s"}, environment="prod")


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({}, "needs the variable 'shop'"),
        ({"shop": "s", "nope": 1}, "unknown variable 'nope'"),
        ({"shop": "Bad_Shop"}, "'shop' does not match its pattern"),
        ({"shop": "s", "region": 3}, "'region' must be one of 1, 2"),
        ({"shop": "s", "region": "1"}, "'region' must be an int"),
        ({"shop": "s", "region": True}, "'region' must be an int"),
        ({"shop": 5}, "'shop' must be a str"),
        ({"shop": "s", "api_version": "v9"}, "'api_version' must be one of 'v1', 'v2'"),
    ],
)
def test_bad_variables_raise_a_value_error_naming_them(
    variables: dict[str, object], message: str
) -> None:
    with pytest.raises(VariableError, match=message):
        make(variables=variables)


def test_a_host_value_cannot_redirect_the_request_elsewhere() -> None:
    spec = inline_spec(
        "variables:\n  host: {type: str}\n",
        endpoints="endpoints:\n  authorize: https://{host}/a\n  token: https://{host}/t\n",
    )
    for evil in ("evil.example/x", "evil.example@good", "a:1", "a?b", "a#b", "a b"):
        with pytest.raises((TemplateError, VariableError), match="host"):
            provider = oauth2_class(spec)(client_id="c", variables={"host": evil})
            provider._authorization_url(scopes=None, state=None, options={})


def test_path_and_query_values_are_percent_encoded_and_dot_segments_refused() -> None:
    values = Placeholders({"x": "a/b c", "dots": ".."}, client_id="cid")
    assert render_url("https://h.example/{x}?q={x}", values, where="t") == (
        "https://h.example/a%2Fb%20c?q=a%2Fb%20c"
    )
    with pytest.raises(TemplateError, match=r"cannot be '\.\.'"):
        render_url("https://h.example/{dots}/x", values, where="t")


def test_client_id_and_token_placeholders() -> None:
    token = {"access_token": "at", "instance_url": "https://na1.sf.example/", "team_id": "T"}
    values = Placeholders({}, client_id="cid", token=token)
    assert render_text("{client_id}-{token.team_id}", values, where="h") == "cid-T"
    assert render_url("{token.instance_url}/api", values, where="u") == "https://na1.sf.example/api"
    assert render_url("https://h.example/t/{access_token}", values, where="u").endswith("/t/at")
    with pytest.raises(
        TemplateError, match=r"uses \{token.missing\} but the token has no 'missing'"
    ):
        render_text("{token.missing}", values, where="api.headers.X")
    with pytest.raises(TemplateError, match="needs a token"):
        render_text("{access_token}", Placeholders({}), where="x")
    with pytest.raises(TemplateError, match="line break"):
        render_text(
            "{token.team_id}", Placeholders({}, token={"team_id": "a\r\nb"}), where="h", header=True
        )


@pytest.mark.parametrize(
    "base",
    [
        "http://evil.example",
        "https://user:pw@evil.example",
        "https://e.example/?q=1",
        "javascript:x",
    ],
)
def test_a_token_base_url_must_be_a_plain_https_url(base: str) -> None:
    values = Placeholders({}, token={"instance_url": base})
    with pytest.raises(TemplateError, match="not a usable https base URL"):
        render_url("{token.instance_url}/api", values, where="api.base_url")


def test_contoso_variables_with_environment() -> None:
    cls = oauth2_class(fixture_spec("contoso"))
    provider = cls(client_id="app", environment="government", private_key="k")
    url, _ = provider._authorization_url(scopes=["openid"], state="s", options={})
    assert url.startswith("https://login.example.us/common/oauth2/v2.0/authorize?")
    with pytest.raises(VariableError, match="does not match its pattern"):
        cls(client_id="app", variables={"tenant": "not a tenant"})


def test_authorize_params_fill_client_id() -> None:
    provider = oauth2_class(fixture_spec("many_quirks"))(client_id="cid", variables={"shop": "s"})
    url, _ = provider._authorization_url(scopes=None, state=None, options={})
    assert query(url)["app"] == ["cid"]


USER_AGENT_SPEC = """\
variables:
  user_agent: {type: str, default: oauthgen}
api:
  base_url: https://api.acme.example
  headers:
    User-Agent: "{user_agent}"
"""


def test_a_variable_may_hold_spaces_for_a_header_but_never_a_line_break() -> None:
    provider = oauth2_class(inline_spec(USER_AGENT_SPEC))
    agent = "web:com.example.app:v1.2 (by /u/someone)"  # Reddit's documented format
    client = provider(
        client_id="cid",
        variables={"user_agent": agent},
        token={"access_token": "at", "token_type": "Bearer"},
    )
    with requests_mock.Mocker() as mock:
        mock.get("https://api.acme.example/me", json={})
        client.session.get("https://api.acme.example/me")
    assert mock.last_request.headers["User-Agent"] == agent
    for forged in ("app\r\nX-Injected: 1", "app\tv1"):
        with pytest.raises(VariableError, match="line break, tab or control character"):
            provider(client_id="cid", variables={"user_agent": forged})


def test_github_enterprise_server_is_two_base_url_variables() -> None:
    from generated.github import GitHub

    ghes = GitHub(
        client_id="cid",
        client_secret="sec",
        redirect_uri="https://app.example/cb",
        web_url="https://ghe.example.com",
        api_url="https://ghe.example.com/api/v3/",
    )
    url, state = ghes.authorization_url()
    assert url.startswith("https://ghe.example.com/login/oauth/authorize?")
    with requests_mock.Mocker() as mock:
        mock.post("https://ghe.example.com/login/oauth/access_token", json={"access_token": "t"})
        mock.get("https://ghe.example.com/api/v3/user", json={"id": 1, "login": "o", "email": "e"})
        ghes.fetch_token(authorization_response=f"https://app.example/cb?code=c&state={state}")
        assert ghes.userinfo()["login"] == "o"
    assert {request.hostname for request in mock.request_history} == {"ghe.example.com"}


@pytest.mark.parametrize(
    "bad",
    ["ghe.example.com", "http://ghe.example.com", "https://u:p@ghe.example.com", "https://g/?q=1"],
)
def test_a_url_variable_must_be_an_https_base_url(bad: str) -> None:
    from generated.github import GitHub

    with pytest.raises(VariableError, match="must be an https base URL"):
        GitHub(client_id="cid", api_url=bad)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "variables:\n  base: {type: url, default: 'https://a.example'}\n"
            "userinfo:\n  fields: {id: {type: str}}\n"
            "endpoints:\n  authorize: https://a.example/a\n  token: https://a.example/t\n"
            "  userinfo: https://a.example/u?next={base}\n",
            "{base} is a url variable, which can only start a URL",
        ),
        (
            "variables:\n  host: {type: str, default: a.example}\n"
            "endpoints:\n  authorize: '{host}/a'\n  token: https://a.example/t\n",
            "{host} starts the URL, so it must hold a whole base URL",
        ),
        (
            "variables:\n  base: {type: url, default: 'ftp://a.example'}\n"
            "endpoints:\n  authorize: '{base}/a'\n  token: https://a.example/t\n",
            "'ftp://a.example'",
        ),
    ],
)
def test_url_variables_are_checked_where_they_are_declared_and_used(
    body: str, message: str
) -> None:
    from generator.spec import SpecValidationError

    with pytest.raises(SpecValidationError) as raised:
        inline_spec(body, endpoints=None)
    assert message in str(raised.value)
