"""HTTP answers as plain values, for stepping core flows without any HTTP library."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Answer:
    """Satisfies ``runtime.core.http.Response``: status, headers, text and URL."""

    status_code: int = 200
    text: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    url: str = "https://as.example/token"


def json_answer(document: Any, status: int = 200, **headers: str) -> Answer:
    """A JSON answer with ``Content-Type: application/json``."""
    return Answer(status, json.dumps(document), {"Content-Type": "application/json", **headers})
