"""``docs/spec.md``: every key of the JSON Schema in words, and ``oauthgen docs --check``."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.spec import parse_spec
from generator.spec.schema import spec_json_schema
from generator.specdoc import EXAMPLE, ROOT, render_spec_doc, type_words
from tests.generator.spec_testing import REPO_ROOT

SPEC_DOC = REPO_ROOT / "docs" / "spec.md"
Capture = pytest.CaptureFixture[str]


def _sections(text: str) -> dict[str, str]:
    """``## heading`` -> the text up to the next one."""
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _rows(section: str) -> dict[str, list[str]]:
    rows = {}
    for line in section.splitlines():
        match = re.match(r"^\| `([^`]+)` \| (.*) \|$", line)
        if match:
            rows[match.group(1)] = re.split(r"(?<!\\) \| ", match.group(2))
    return rows


def test_the_committed_spec_doc_is_current(capsys: Capture) -> None:
    code = main(["docs", "--out", str(SPEC_DOC), "--check"])
    assert code == 0, capsys.readouterr().err


def test_every_schema_property_has_a_row_with_type_default_and_meaning() -> None:
    schema: dict[str, Any] = spec_json_schema()
    sections = _sections(render_spec_doc(schema))
    owners = [(ROOT, schema), *schema["$defs"].items()]
    for name, definition in owners:
        assert name in sections, f"no section for {name}"
        rows = _rows(sections[name])
        assert list(rows) == list(definition["properties"]), name  # every key, schema order
        required = set(definition.get("required", []))
        for key, prop in definition["properties"].items():
            kind, default, meaning = rows[key]
            assert kind == type_words(prop).replace("|", "\\|"), (name, key)
            assert prop["description"].split()[0] in meaning, (name, key)
            if key in required:
                assert default == "*required*", (name, key)
            elif "default" in prop:
                assert default.startswith("`"), (name, key)
            else:
                assert default == "—", (name, key)


def test_a_new_schema_field_shows_up_in_the_page() -> None:
    schema: dict[str, Any] = copy.deepcopy(spec_json_schema())
    schema["$defs"]["Endpoints"]["properties"]["pushed"] = {
        "anyOf": [{"type": "string", "title": "URL"}, {"type": "null"}],
        "description": "Pushed authorization request endpoint (RFC 9126).",
    }
    rows = _rows(_sections(render_spec_doc(schema))["Endpoints"])
    assert rows["pushed"] == [
        "URL (string) or null",
        "—",
        "Pushed authorization request endpoint (RFC 9126).",
    ]


def test_sections_say_where_they_are_used_and_links_resolve() -> None:
    text = render_spec_doc()
    sections = _sections(text)
    assert "In a spec at `token.response.expires`." in sections["Expiry"]
    assert "`userinfo.fields.<name>`" in sections["TypedField"]
    anchors = {heading.lower().replace(" ", "-") for heading in sections}
    for target in re.findall(r"\]\(#([^)]+)\)", text):
        assert target in anchors, target


def test_protocol_specific_keys_are_named_with_their_protocols() -> None:
    sections = _sections(render_spec_doc())
    assert "Only with protocol `oidc`." in _rows(sections[ROOT])["oidc"][2]
    assert "Only with protocol `oauth1`." in _rows(sections["Endpoints"])["request_token"][2]
    table = sections["Keys that depend on the protocol"]
    assert "| `callback.capture.<name>.on_token` | `oauth2` or `oidc` |" in table


def test_text_from_the_schema_is_escaped_for_markdown() -> None:
    rows = _rows(_sections(render_spec_doc())[ROOT])
    assert "generated/&lt;id&gt;/" in rows["id"][2]  # not an HTML tag that would vanish
    separator = _rows(_sections(render_spec_doc())["Scopes"])["separator"][0]
    assert "`\\|`" in separator  # a pipe in a table cell


def test_the_example_in_the_page_validates() -> None:
    text = SPEC_DOC.read_text(encoding="utf-8")
    assert f"```yaml\n{EXAMPLE}```" in text
    assert parse_spec(EXAMPLE, "docs/spec.md").spec.id == "acme"


def test_check_reports_a_stale_page_and_writes_nothing(tmp_path: Path, capsys: Capture) -> None:
    out = tmp_path / "spec.md"
    assert main(["docs", "--out", str(out), "--check"]) == 1
    assert "is missing; regenerate with `oauthgen docs --out" in capsys.readouterr().err
    assert not out.exists()
    out.write_text("old\n")
    assert main(["docs", "--out", str(out), "--check"]) == 1
    assert "is stale" in capsys.readouterr().err
    assert out.read_text() == "old\n"
    assert main(["docs", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == render_spec_doc()
    assert main(["docs", "--out", str(out), "--check"]) == 0
