"""The one authorization URL builder: parameters in RFC 6749's order, two query styles."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oauthlib.oauth2 import MobileApplicationClient, WebApplicationClient

from runtime import OAuth2Session
from runtime.core.authorization import authorization_params, authorization_url

ENDPOINT = "https://auth.example/authorize"


def test_the_standard_parameters_come_in_rfc_6749s_order_and_can_be_renamed() -> None:
    params = authorization_params(
        "cid",
        redirect_uri="https://app.example/cb",
        scopes=[("scope", "a b"), ("user_scope", "c")],
        state="s",
        challenge=("CH", "S256"),
        nonce="n",
        response_mode="form_post",
        names={"client_id": "app_id", "state": "st"},
    )
    assert params == [
        ("response_type", "code"),
        ("app_id", "cid"),
        ("redirect_uri", "https://app.example/cb"),
        ("scope", "a b"),
        ("user_scope", "c"),
        ("st", "s"),
        ("code_challenge", "CH"),
        ("code_challenge_method", "S256"),
        ("nonce", "n"),
        ("response_mode", "form_post"),
    ]
    assert authorization_params("cid", response_type=None) == [("client_id", "cid")]


def test_the_percent_style_keeps_the_query_and_honours_provider_rules() -> None:
    url = authorization_url(
        ENDPOINT + "?tenant=x+y",
        [("scope", "a b"), ("redirect_uri", "https://app/cb?x=1"), ("empty", ""), ("raw", "a,b")],
        unencoded=["raw"],
        fragment="frag",
        omit_empty=True,
    )
    assert url == (
        ENDPOINT + "?tenant=x+y&scope=a%20b&redirect_uri=https%3A%2F%2Fapp%2Fcb%3Fx%3D1"
        "&raw=a,b#frag"
    )


def test_the_form_style_re_encodes_the_whole_query_as_oauthlib_does() -> None:
    url = authorization_url(ENDPOINT + "?tenant=x%20y", [("scope", "a b")], style="form")
    assert url == ENDPOINT + "?tenant=x+y&scope=a+b"


names = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=8)
values = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    implicit=st.booleans(),
    query=st.lists(st.tuples(names, values), max_size=3),
    client_id=values,
    redirect_uri=st.none() | values,
    scope=st.none() | st.lists(names, max_size=3) | values,
    state=names,
    extra=st.dictionaries(
        # Not the arguments both calls are given by name (oauthlib cannot take them twice),
        # nor uri, the name of the URL argument oauthlib is given by position.
        names.filter(
            lambda name: (
                name.isidentifier() and name not in ("url", "uri", "state", "scope", "redirect_uri")
            )
        ),
        st.none() | values | st.integers(),
        max_size=3,
    ),
)
def test_oauth2session_urls_are_oauthlibs_byte_for_byte(
    implicit: bool,
    query: list[tuple[str, str]],
    client_id: str,
    redirect_uri: str | None,
    scope: list[str] | str | None,
    state: str,
    extra: dict[str, Any],
) -> None:
    endpoint = authorization_url(ENDPOINT, query)
    make = MobileApplicationClient if implicit else WebApplicationClient
    session = OAuth2Session(
        client=make(client_id), redirect_uri=redirect_uri, scope=scope, state=state
    )
    url, _ = session.authorization_url(endpoint, **extra)
    expected = make(client_id).prepare_request_uri(
        endpoint, redirect_uri=redirect_uri, scope=cast(Any, scope), state=state, **extra
    )
    assert url == expected


def test_pkce_parameters_reach_the_url_as_oauthlib_places_them() -> None:
    session = OAuth2Session("cid", redirect_uri="https://app/cb", pkce="S256", state="s")
    url, _ = session.authorization_url(ENDPOINT, prompt="consent")
    pairs = parse_qsl(urlsplit(url).query)
    assert [name for name, _ in pairs] == [
        "response_type",
        "client_id",
        "redirect_uri",
        "state",
        "code_challenge",
        "code_challenge_method",
        "prompt",
    ]


def test_a_client_class_with_its_own_url_builder_keeps_building_it() -> None:
    class Custom(WebApplicationClient):
        def prepare_request_uri(self, uri: str, *args: Any, **kwargs: Any) -> str:
            return str(super().prepare_request_uri(uri, *args, **kwargs)) + "&custom=1"

    session = OAuth2Session(client=Custom("cid"), state="s")
    url, _ = session.authorization_url("http://127.0.0.1:9/authorize")
    assert url == "http://127.0.0.1:9/authorize?response_type=code&client_id=cid&state=s&custom=1"
