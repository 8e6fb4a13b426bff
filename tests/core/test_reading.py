"""Reading API answers without an HTTP library: when does an answer refuse the token?"""

from __future__ import annotations

import pytest

from runtime.core.reading import rejects_token
from tests.support.answers import Answer


@pytest.mark.parametrize(
    ("answer", "rejected"),
    [
        (Answer(401), True),
        (Answer(401, headers={"WWW-Authenticate": 'Bearer realm="api"'}), True),
        (Answer(400, headers={"www-authenticate": 'Bearer error="invalid_token"'}), True),
        (Answer(403, headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'}), False),
        (Answer(403), False),
        (Answer(200), False),
        (Answer(500, "invalid_token"), False),  # the body does not decide, the header does
    ],
)
def test_a_401_or_an_invalid_token_challenge_rejects_the_token(
    answer: Answer, rejected: bool
) -> None:
    assert rejects_token(answer) is rejected
