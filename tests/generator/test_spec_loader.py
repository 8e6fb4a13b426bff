"""Loading valid specs into the model, and loader behaviour beyond the snapshot corpus."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from generator.spec import LoadedSpec, SpecValidationError, load_spec, parse_spec
from generator.spec.flows import supported_flows
from generator.spec.naming import class_name
from generator.spec.starter import starter_spec
from runtime.spec import ProviderSpec, TypedField
from tests.generator.spec_testing import FIXTURES, dump, load_data, valid_fixture_paths


def _load(name: str) -> LoadedSpec:
    return load_spec(FIXTURES / f"{name}.yaml")


def _errors(text: str) -> list[str]:
    with pytest.raises(SpecValidationError) as caught:
        parse_spec(text, "t.yaml")
    return [str(error) for error in caught.value.errors]


@pytest.mark.parametrize("path", valid_fixture_paths(), ids=lambda path: path.stem)
def test_valid_fixtures_load_without_diagnostics(path: Path) -> None:
    loaded = load_spec(path)
    assert isinstance(loaded.spec, ProviderSpec)
    assert loaded.warnings == ()
    assert loaded.spec.id == path.stem
    assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_oauth2_fixture_keeps_every_quirk() -> None:
    spec = _load("many_quirks").spec
    assert class_name(spec) == "ManyQuirks"
    assert spec.grants == ("authorization_code", "client_credentials", "device_code")
    assert spec.variables["region"].type == "int"
    assert spec.variables["api_version"].choices == ("v21.0", "v22.0")
    assert spec.environments["sandbox"].variables == {"region": 3}
    assert spec.scopes.separator == ","
    assert spec.scopes.known["identity[email]"] == "Bracketed scope names are fine."
    assert spec.authorize.options["allow_signup"].param == "allowSignup"
    assert spec.authorize.param_names == {"client_id": "client_key"}
    assert spec.callback.capture["realm_id"].param == "realmId"
    assert spec.token.include_client_id is True
    assert spec.token.response.paths["access_token"] == "authed_user.access_token"
    assert spec.token.response.expires.path == "expires"
    assert spec.token.response.extra["team_id"] == TypedField(type="str", path="team.id")
    assert spec.token.response.unconfirmed is True
    assert spec.errors.success_flag is not None and spec.errors.success_flag.value is True
    assert spec.refresh is not None and spec.refresh.rotation == "rotating"
    assert spec.exchanges["long_lived"].grant_type == "fb_exchange_token"
    assert spec.device.response_paths == {"verification_uri": "verification_url"}
    assert spec.revocation.token_param is None
    assert spec.revocation.success_status == (200, 204)
    assert spec.api.token_scheme == "token"
    assert spec.api.headers["Client-Id"] == "{client_id}"
    assert spec.userinfo is not None and spec.userinfo.root == "data[0]"
    assert spec.hooks.access_token_response == ("slack_split_tokens",)


def test_oauth1_fixture() -> None:
    spec = _load("tweeter").spec
    assert spec.protocol == "oauth1"
    assert spec.oauth1.signature_method == "HMAC-SHA1"
    assert spec.oauth1.request_token.params == {}
    option = spec.oauth1.request_token.options["x_auth_access_type"]
    assert (option.type, option.values) == ("enum", ("read", "write"))
    assert set(spec.oauth1.access_token.extra) == {"user_id", "screen_name"}
    assert spec.scopes.supported is False
    assert supported_flows(spec) == ("oauth1_authorization", "revoke", "userinfo")


def test_oidc_fixture_with_variables() -> None:
    spec = _load("contoso").spec
    assert spec.endpoints.issuer == "https://{login_host}/{tenant}/v2.0"
    assert spec.variables["tenant"].pattern == "common|organizations|consumers|[0-9a-f-]{36}"
    assert spec.userinfo is not None and spec.userinfo.source == "id_token"
    assert spec.oidc.nonce == "required"
    assert supported_flows(spec) == (
        "authorization_code",
        "refresh",
        "client_credentials",
        "device_code",
        "userinfo",
    )


def test_defaults_fill_an_almost_empty_spec() -> None:
    spec = _load("minimal").spec
    assert spec.grants == ("authorization_code",)
    assert spec.token.client_auth == "client_secret_basic"
    assert spec.authorize.pkce == "supported"
    assert spec.authorize.pkce_methods == ("S256",)
    assert spec.scopes.separator == " "
    assert spec.refresh is None
    assert supported_flows(spec) == ("authorization_code",)


def test_positions_point_at_values() -> None:
    loaded = _load("many_quirks")
    lines = (FIXTURES / "many_quirks.yaml").read_text().splitlines()
    position = loaded.positions[("endpoints", "token")]
    assert lines[position.line - 1][position.column - 1 :].startswith("https://api{region}")


@pytest.mark.parametrize("protocol", ["oauth2", "oidc", "oauth1"])
def test_starter_spec_validates(protocol: str) -> None:
    text = starter_spec("acme_corp", protocol)  # type: ignore[arg-type]
    loaded = parse_spec(text, "acme_corp.yaml")
    assert loaded.warnings == ()
    assert loaded.spec.id == "acme_corp"
    assert loaded.spec.protocol == protocol
    assert class_name(loaded.spec) == "AcmeCorp"


def test_all_errors_are_reported_at_once() -> None:
    data = load_data(FIXTURES / "minimal.yaml")
    data["scopes"] = {"sepparator": ","}
    data["endpoints"]["token"] = "http://evil.example.com/token"
    data["token"] = {"method": "PUT"}
    errors = _errors(dump(data))
    assert len(errors) == 3
    assert any("did you mean 'separator'" in error for error in errors)
    assert any("plain http" in error for error in errors)
    assert any("'PUT'" in error for error in errors)


def test_errors_are_sorted_by_position() -> None:
    data = load_data(FIXTURES / "minimal.yaml")
    data["zzz"] = 1
    data["aaa"] = 2
    errors = _errors(dump(data))
    assert [error.split(": ")[1] for error in errors] == ["zzz", "aaa"]


def test_warnings_do_not_fail_loading() -> None:
    data = load_data(FIXTURES / "minimal.yaml")
    data["authorize"] = {"state": "unsupported"}
    loaded = parse_spec(dump(data), "w.yaml")
    assert [warning.path for warning in loaded.warnings] == ["authorize.state"]
    assert loaded.warnings[0].level == "warning"


def test_exception_exposes_errors_and_warnings_separately() -> None:
    data = load_data(FIXTURES / "minimal.yaml")
    data["authorize"] = {"state": "unsupported", "pkce": "sometimes"}
    with pytest.raises(SpecValidationError) as caught:
        parse_spec(dump(data), "e.yaml")
    assert [e.path for e in caught.value.errors] == ["authorize.pkce"]
    assert [w.path for w in caught.value.warnings] == ["authorize.state"]
    assert "e.yaml:" in str(caught.value)


def test_unreadable_file_raises_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        load_spec(tmp_path / "missing.yaml")


def test_deeply_nested_yaml_is_a_located_error() -> None:
    errors = _errors("a: " + "[" * 5000 + "]" * 5000)
    assert len(errors) == 1
    assert errors[0].startswith("t.yaml:1:") and "<yaml>: YAML is nested too deeply" in errors[0]


def test_large_file_is_rejected() -> None:
    errors = _errors("# " + "x" * (1024 * 1024))
    assert "larger than 1 MiB" in errors[0]


def test_utf8_bom_is_accepted() -> None:
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    loaded = parse_spec(b"\xef\xbb\xbf" + text.encode(), "bom.yaml")
    assert loaded.spec.id == "minimal"


def test_cascading_errors_are_suppressed() -> None:
    data = load_data(FIXTURES / "minimal.yaml")
    data["variables"] = {"tenant": {"type": "float"}}
    data["endpoints"]["authorize"] = "https://login.example.com/{tenant}/authorize"
    errors = _errors(dump(data))
    assert len(errors) == 1, errors  # only the bad type, not "undeclared {tenant}" too
    assert "variables.tenant.type" in errors[0]


def test_values_with_newlines_keep_messages_on_one_line() -> None:
    # Found by hypothesis: the hint quoted a raw value containing a newline.
    errors = _errors(dump({"api": None, "authorize": None, "grants": "\n"}))
    assert all("\n" not in error for error in errors)
    assert any(error.startswith("t.yaml:3:9: grants: expected a list") for error in errors)


@pytest.mark.parametrize("text", ["[", "a: [1,", "a:\n  - [\n"])
def test_an_unexpected_end_of_the_file_is_located_on_its_last_line(text: str) -> None:
    errors = _errors(text)
    lines = text.rstrip("\n").split("\n")
    line = int(errors[0].split(":")[1])
    assert 1 <= line <= len(lines), errors
