"""Access tokens placed in the request body never follow a redirect to another host.

``default_token_placement="body"`` (on ``OAuth2Session`` and the ``OAuth2`` auth) and
``slack_compliance_fix`` put the token in a form body; a 307/308 keeps the body, so the token is
taken off before requests re-sends it elsewhere (RFC 6750 §5.3). Same-host redirects keep it.
Body placement also accepts ``data=`` as a dict or a list of pairs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import pytest
import requests
import requests_mock
from oauthlib.oauth2 import WebApplicationClient

from runtime import OAuth2, OAuth2Session
from runtime.compliance_fixes import slack_compliance_fix
from tests.runtime.two_servers import StartServer
from tests.runtime.wire import FORM, requests_to

API = "https://api.example/items"
ELSEWHERE = "https://cdn.other.example/items"
TOKEN = {"access_token": "body-secret", "token_type": "Bearer"}
REDIRECT_STATUSES = [301, 302, 303, 307, 308]


def body_session(**kwargs: Any) -> OAuth2Session:
    client = WebApplicationClient("cid", default_token_placement="body")
    return OAuth2Session(client=client, token=dict(TOKEN), **kwargs)


def body_auth() -> OAuth2:
    return OAuth2(client=WebApplicationClient("cid", default_token_placement="body"), token=TOKEN)


def sent_pairs(request: Any) -> list[tuple[str, str]]:
    return parse_qsl(request.text or "", keep_blank_values=True)


def carries_token(request: Any) -> bool:
    return "body-secret" in (request.text or "") + request.url + str(dict(request.headers))


# -- dict and list data with body placement ---------------------------------------------------


def test_body_placement_accepts_a_dict_and_leaves_it_unchanged(
    http: requests_mock.Mocker,
) -> None:
    http.post(API, json={})
    data = {"name": "item", "count": "2"}
    body_session().post(API, data=data)
    (sent,) = http.request_history
    assert sent_pairs(sent) == [("name", "item"), ("count", "2"), ("access_token", "body-secret")]
    assert sent.headers["Content-Type"] == FORM
    assert data == {"name": "item", "count": "2"}


def test_body_placement_accepts_pairs_and_replaces_a_stale_token(
    http: requests_mock.Mocker,
) -> None:
    http.put(API, json={})
    body_session().put(API, data=[("tag", "a"), ("tag", "b"), ("access_token", "stale")])
    assert sent_pairs(http.request_history[-1]) == [
        ("tag", "a"),
        ("tag", "b"),
        ("access_token", "body-secret"),
    ]


def test_body_placement_with_string_data_is_unchanged(http: requests_mock.Mocker) -> None:
    http.post(API, json={})
    body_session().post(API, data="a=1")
    assert http.request_history[-1].text == "a=1&access_token=body-secret"


# -- redirects --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", REDIRECT_STATUSES)
def test_session_body_token_is_not_sent_to_another_host(
    http: requests_mock.Mocker, status: int
) -> None:
    http.post(API, status_code=status, headers={"Location": ELSEWHERE})
    http.register_uri(requests_mock.ANY, ELSEWHERE, json={})
    body_session().post(API, data={"name": "item"})
    (first,) = requests_to(http, API)
    assert ("access_token", "body-secret") in sent_pairs(first)
    (second,) = requests_to(http, ELSEWHERE)
    assert not carries_token(second)
    if status in (307, 308):  # the rest of the body still goes along
        assert sent_pairs(second) == [("name", "item")]
        assert second.headers["Content-Length"] == str(len("name=item"))


def test_session_body_token_is_kept_on_a_same_host_redirect(http: requests_mock.Mocker) -> None:
    http.post(API, status_code=307, headers={"Location": "https://api.example/v2/items"})
    http.post("https://api.example/v2/items", json={})
    body_session().post(API, data={"name": "item"})
    assert ("access_token", "body-secret") in sent_pairs(http.last_request)


def test_body_token_is_stripped_by_value_after_a_renewal_elsewhere(
    http: requests_mock.Mocker,
) -> None:
    """The token the request was sent with is stripped even if the session's token has been
    replaced (by a renewal in another thread) before the redirect arrives."""
    session = body_session()

    def renewed_meanwhile(request: Any, context: Any) -> str:
        session.token = {"access_token": "newer", "token_type": "Bearer"}
        context.status_code = 307
        context.headers["Location"] = ELSEWHERE
        return ""

    http.post(API, text=renewed_meanwhile)
    http.post(ELSEWHERE, json={})
    session.post(API, data={"name": "item"})
    assert sent_pairs(http.last_request) == [("name", "item")]


def test_slack_token_parameter_is_not_sent_to_another_host(http: requests_mock.Mocker) -> None:
    slack_api = "https://slack.com/api/chat.postMessage"
    http.post(slack_api, status_code=308, headers={"Location": ELSEWHERE})
    http.post(ELSEWHERE, json={})
    session = slack_compliance_fix(OAuth2Session("cid", token=dict(TOKEN)))
    session.post(slack_api, data={"channel": "C1"})
    (first,) = requests_to(http, slack_api)
    assert ("token", "body-secret") in sent_pairs(first)
    assert sent_pairs(http.last_request) == [("channel", "C1")]
    assert not carries_token(http.last_request)


@pytest.mark.parametrize("status", [307, 308])
def test_oauth2_auth_body_token_is_not_sent_to_another_host(
    http: requests_mock.Mocker, status: int
) -> None:
    received: list[list[tuple[str, str]]] = []

    def redirect(request: Any, context: Any) -> str:
        # Read now: the auth's hook edits the sent request object before the redirect.
        received.append(sent_pairs(request))
        context.status_code = status
        context.headers["Location"] = ELSEWHERE
        return ""

    http.post(API, text=redirect)
    http.post(ELSEWHERE, json={})
    response = requests.post(API, data={"name": "item"}, auth=body_auth())
    assert received == [[("name", "item"), ("access_token", "body-secret")]]
    assert sent_pairs(http.last_request) == [("name", "item")]
    # What requests keeps of the first request no longer holds the token either.
    assert response.history[0].request.body == "name=item"


def test_oauth2_auth_body_token_is_kept_on_a_same_host_redirect(
    http: requests_mock.Mocker,
) -> None:
    http.post(API, status_code=307, headers={"Location": "/v2/items"})
    http.post("https://api.example/v2/items", json={})
    requests.post(API, data={"name": "item"}, auth=body_auth())
    assert ("access_token", "body-secret") in sent_pairs(http.last_request)


# -- two real servers: 127.0.0.1 redirects to localhost ---------------------------------------


def _other_host(base: str) -> str:
    return base.replace("127.0.0.1", "localhost")


@pytest.mark.parametrize("status", [307, 308])
def test_real_servers_body_token_never_reaches_the_other_host(
    servers: StartServer, status: int
) -> None:
    other, other_seen = servers(None)
    api, api_seen = servers(f"{_other_host(other)}/landing", status)
    body_session().post(f"{api}/items", data={"name": "item"})
    requests.post(f"{api}/items", data={"name": "item"}, auth=body_auth())
    session = slack_compliance_fix(OAuth2Session("cid", token=dict(TOKEN)))
    session.post(f"{api}/items", data={"name": "item"})
    assert len(api_seen) == 3
    assert all(b"body-secret" in seen.body for seen in api_seen)
    assert [seen.body for seen in other_seen] == [b"name=item"] * 3
    assert not any("body-secret" in str(seen) for seen in other_seen)
