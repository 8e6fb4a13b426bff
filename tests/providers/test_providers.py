"""Every provider's documented examples, run through its generated client against mocked HTTP.

One test per provider and step that its ``cases.yaml`` describes. Adding a provider means adding
``specs/<id>.yaml`` and ``tests/providers/<id>/cases.yaml``; the catalogue test below fails when a
spec has no cases or cases have no spec.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests_mock

from .cases import REPO_ROOT, CaseFileError, Cases, case_files, load_cases
from .drive import Flow

STEPS = (
    "authorization",
    "token",
    "token_error",
    "refresh",
    "userinfo",
    "revocation",
    "api",
    "request_token",
    "access_token",
    "client_credentials",
    "device_token",
)


def _run_authorization(flow: Flow) -> None:
    if flow.cases.request_token:  # OAuth 1: the URL carries the request token
        flow.fetch_request_token(flow.cases.request_token)
        expected = flow.cases.authorization
        assert expected is not None
        kwargs: dict[str, object] = dict(expected.options)
        if expected.scopes is not None:
            kwargs["scopes"] = list(expected.scopes)
        url = flow.client.authorization_url(**kwargs)
        assert url.split("?")[0] == flow.fill(expected.url), url
        params = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
        assert params.get("oauth_token") == flow.values["request_token"], url
        for name, value in expected.params.items():
            assert params.get(name) == flow.fill(value), f"{url}: {name}={params.get(name)!r}"
        for name in expected.absent:
            assert name not in params, f"{url}: {name!r} must not be sent"
    else:
        flow.authorize(flow.cases.authorization)


def _run_token(flow: Flow) -> None:
    exchange = flow.cases.token
    assert exchange is not None
    flow.check_result(exchange, flow.fetch_token(exchange), "token")


def _run_token_error(flow: Flow) -> None:
    exchange = flow.cases.token_error
    assert exchange is not None and exchange.error, f"{flow.cases.path}: token_error needs error"
    callback = flow.authorize(flow.cases.authorization)
    flow.answer(exchange)
    flow.check_error(
        exchange, lambda: flow.client.fetch_token(authorization_response=callback), "token"
    )


def _run_refresh(flow: Flow) -> None:
    exchange = flow.cases.refresh
    assert exchange is not None
    flow = flow.signed_in(exchange)
    flow.answer(exchange)
    token = flow.client.refresh()
    flow.check_request(exchange.request, "refresh request")
    flow.check_result(exchange, token, "refresh")


def _run_userinfo(flow: Flow) -> None:
    exchange = flow.cases.userinfo
    assert exchange is not None
    flow = flow.signed_in(exchange)
    flow.answer(exchange)
    profile = flow.client.userinfo()
    flow.check_request(exchange.request, "userinfo request")
    flow.check_result(exchange, profile, "userinfo")
    if flow.cases.access_token:
        flow.check_signed(flow.values.get("oauth_token_secret"), "userinfo request")


def _run_revocation(flow: Flow) -> None:
    exchange = flow.cases.revocation
    assert exchange is not None
    flow = flow.signed_in(exchange)
    flow.answer(exchange)
    if exchange.error:
        flow.check_error(exchange, flow.client.revoke, "revocation")
        return
    flow.client.revoke()
    flow.check_request(exchange.request, "revocation request")


def _run_api(flow: Flow) -> None:
    api = flow.cases.api
    assert api is not None
    flow.signed_in(None).call_api(api)


def _run_request_token(flow: Flow) -> None:
    exchange = flow.cases.request_token
    assert exchange is not None
    flow.check_result(exchange, flow.fetch_request_token(exchange), "request token")


def _run_access_token(flow: Flow) -> None:
    exchange = flow.cases.access_token
    assert exchange is not None
    flow.check_result(exchange, flow.fetch_access_token(exchange), "access token")


def _run_client_credentials(flow: Flow) -> None:
    exchange = flow.cases.client_credentials
    assert exchange is not None
    flow.answer(exchange)
    token = flow.client.client_credentials()
    flow.check_request(exchange.request, "client credentials request")
    flow.check_result(exchange, token, "client credentials")


def _run_device_token(flow: Flow) -> None:
    """Device authorization, then one poll that gets the token (no waiting between them)."""
    start, poll = flow.cases.device_authorization, flow.cases.device_token
    assert start is not None and poll is not None, f"{flow.cases.path}: device_token needs both"
    flow.answer(start)
    device = flow.client.device_authorization()
    flow.check_request(start.request, "device authorization request")
    flow.check_result(start, device, "device authorization")
    flow.values["device_code"] = device["device_code"]
    flow.answer(poll)
    with mock.patch("runtime.core.polling.time.sleep"):
        token = flow.client.poll_device_token(device)
    flow.check_request(poll.request, "device token request")
    flow.check_result(poll, token, "device token")


RUNNERS: dict[str, Callable[[Flow], None]] = {
    "authorization": _run_authorization,
    "token": _run_token,
    "token_error": _run_token_error,
    "refresh": _run_refresh,
    "userinfo": _run_userinfo,
    "revocation": _run_revocation,
    "api": _run_api,
    "request_token": _run_request_token,
    "access_token": _run_access_token,
    "client_credentials": _run_client_credentials,
    "device_token": _run_device_token,
}


def _steps() -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    for path in case_files():
        cases = load_cases(path)
        found.extend((path, step) for step in STEPS if getattr(cases, step) is not None)
        found.extend((path, f"exchange:{name}") for name in cases.exchanges)
    return found


def _run_exchange(flow: Flow, name: str) -> None:
    """A spec exchange (Facebook's long-lived token) on the signed-in token."""
    exchange = flow.cases.exchanges[name]
    flow = flow.signed_in(exchange)
    flow.answer(exchange)
    token = getattr(flow.client, f"exchange_{name}")()
    flow.check_request(exchange.request, f"{name} exchange request")
    flow.check_result(exchange, token, f"{name} exchange")


@pytest.mark.parametrize(
    ("path", "step"),
    _steps(),
    ids=lambda value: value.parent.name if isinstance(value, Path) else value,
)
def test_documented_example(path: Path, step: str) -> None:
    cases: Cases = load_cases(path)
    with requests_mock.Mocker() as mock:
        if step.startswith("exchange:"):
            _run_exchange(Flow(cases, mock), step.removeprefix("exchange:"))
        else:
            RUNNERS[step](Flow(cases, mock))


# Specs whose documented examples are still being collected; this set only shrinks.
PENDING: set[str] = set()


def test_every_spec_has_cases_and_every_case_folder_a_spec() -> None:
    specs = {path.stem for path in (REPO_ROOT / "specs").glob("*.yaml")}
    cases = {path.parent.name for path in case_files()}
    assert sorted(specs - cases - PENDING) == [], "specs without tests/providers/<id>/cases.yaml"
    assert sorted(PENDING & cases) == [], "remove these from PENDING: they have cases now"
    assert sorted(cases - specs) == [], "cases without specs/<id>.yaml"


def test_every_provider_documents_a_token_answer_and_its_source() -> None:
    for path in case_files():
        cases = load_cases(path)
        assert cases.token or cases.access_token, f"{path}: no documented token answer"


def test_a_misspelt_expectation_is_an_error_not_a_pass(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "cases.yaml").write_text(
        "provider: acme\nclient: {client_id: x}\n"
        "token:\n  source: https://example.com/docs\n  answer: {body: {}}\n"
        "  request: {url: https://example.com/token, parms: {a: b}}\n"
    )
    with pytest.raises(CaseFileError, match=r"token\.request: unknown key\(s\) parms"):
        load_cases(folder / "cases.yaml")


def test_a_case_without_its_source_page_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "cases.yaml").write_text(
        "provider: acme\ntoken:\n  answer: {body: {}}\n  request: {url: https://e.x/t}\n"
    )
    with pytest.raises(CaseFileError, match=r"token\.source: the https URL"):
        load_cases(folder / "cases.yaml")


def test_the_harness_fails_a_client_that_sends_something_else() -> None:
    cases = load_cases(REPO_ROOT / "tests" / "providers" / "github" / "cases.yaml")
    assert cases.authorization and cases.token
    wrong_scope = replace(
        cases.authorization, params={**cases.authorization.params, "scope": "read:user,user:email"}
    )
    wrong_auth = replace(cases.token, request=replace(cases.token.request, client_auth="basic"))
    for broken in (replace(cases, authorization=wrong_scope), replace(cases, token=wrong_auth)):
        with requests_mock.Mocker() as mock, pytest.raises(AssertionError):
            _run_token(Flow(broken, mock))
