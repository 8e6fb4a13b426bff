"""What OAuth 1 and OAuth 2 provider clients share: spec, variables, hooks, callback captures,
profile mapping and API URLs.

Light to import (a generated client module imports it): oauthlib, the hook registry and the
flow modules are imported when a client is created or a flow runs.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, cast
from urllib.parse import urlsplit

from .defaults import Timeout
from .shapes import ANY_SHAPE, Shape
from .spec_defaults import DEFAULTS, SECTION_DEFAULTS
from .spec_section import field_items
from .spec_view import EndpointsView, SpecView
from .templates import Placeholders, render_url
from .variables import VariableValue, resolve_variables

if TYPE_CHECKING:
    import requests
    from typing_extensions import TypeVar

    from .hooks.points import HookPoint
    from .spec_types import SpecData

    TokenT = TypeVar("TokenT", bound=Mapping[str, Any], default=dict[str, Any])
    """The token ``TypedDict`` of a generated client (``OAuth2Provider[GitHubToken]``)."""

    RuntimeSpec = SpecData
    """A spec as a dict (``generator.spec.normalize.normalized_spec``), typed section by
    section (``spec_types``). A generated module's ``_SPEC`` holds only what differs from the
    format's defaults; ``with_defaults`` merges the rest back. Only type checkers import it
    (the TypedDicts cost ~2 ms to create): ``runtime.provider.RuntimeSpec`` loads it on use."""
else:  # the default only matters to type checkers; typing_extensions costs ~5 ms to import
    from typing import TypeVar

    TokenT = TypeVar("TokenT")


def with_defaults(
    spec: Mapping[str, Any],
    defaults: Mapping[str, Any] = DEFAULTS,
    sections: Mapping[str, Mapping[str, Any]] = SECTION_DEFAULTS,
) -> SpecData:
    """``defaults`` with ``spec`` laid over it: mappings are merged key by key (recursively),
    any other value, lists included, replaces the default. Keys without a default (``id``,
    ``name``, ...) come first. Then each of ``sections`` (``{"refresh": {...},
    "userinfo.fields.*": {...}}``, shallow paths first) is merged under the sections present at
    its path, ``*`` standing for every entry of a map. Values not merged are shared with
    ``defaults`` and ``spec``, not copied: the result is read-only (``SpecView`` reads it)."""
    merged = _merged(spec, defaults)
    for path, section in sections.items():
        merged = changed_at(merged, path.split("."), functools.partial(_merged, defaults=section))
    # A generated module's _SPEC is checked against SpecData by mypy; the merge keeps it so.
    return cast("SpecData", merged)


def changed_at(
    value: Any, path: Sequence[str], change: Callable[[dict[str, Any]], dict[str, Any]]
) -> Any:
    """``value`` with each dict at ``path`` (``*``: every entry of a map) replaced by
    ``change(it)``, copying the dicts on the way (never changing ``value``); a path that ends
    early (an absent optional section, None) changes nothing."""
    if type(value) is not dict:
        return value
    if not path:
        return change(value)
    head, rest = path[0], path[1:]
    if head == "*":
        return {key: changed_at(item, rest, change) for key, item in value.items()}
    if head not in value:
        return value
    return {**value, head: changed_at(value[head], rest, change)}


def _merged(spec: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    merged = {key: value for key, value in spec.items() if key not in defaults}
    for key, default in defaults.items():
        value = spec.get(key, default)
        if value is not default and type(value) is dict and type(default) is dict:
            value = _merged(value, default)
        merged[key] = value
    return merged


def endpoint_template(endpoints: EndpointsView, name: str) -> str | None:
    """The URL template of the endpoint ``name`` (``token``, ``revoke``...), if the spec has one."""
    template = getattr(endpoints, name, None)
    return template if isinstance(template, str) else None


class ProviderBase(Generic[TokenT]):
    """Shared state and helpers of generated provider clients; see ``runtime.provider``.

    ``TokenT`` is the client's token type; every token a flow installs is checked against
    ``_token_shape`` (the generated module's description of that type) first.

    A client class takes its spec as a class keyword, a dict holding what differs from the
    format's defaults (``class GitHub(OAuth2Provider[GitHubToken], spec=_SPEC)``): its ``spec``
    is then the read-only view (``SpecView``) of the merged spec, built once when the class is
    created; ``spec.data`` is the merged dict. A subclass without the keyword keeps its
    parent's."""

    spec: ClassVar[SpecView]
    _token_shape: ClassVar[Shape[Any]] = ANY_SHAPE
    _access_token_field: ClassVar[str] = "access_token"

    def __init_subclass__(cls, *, spec: SpecData | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if isinstance(cls.__dict__.get("spec"), Mapping):
            raise TypeError(
                f"{cls.__name__}: pass the spec dict as a class keyword, "
                f"class {cls.__name__}(..., spec={{...}}), not as a class attribute"
            )
        if spec is not None:
            cls.spec = SpecView(with_defaults(spec))

    def _setup(
        self,
        *,
        client_id: str,
        client_secret: str | None,
        variables: Mapping[str, object] | None,
        environment: str | None,
        private_key: str | bytes | None = None,
        key_id: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not getattr(type(self), "spec", None):
            raise TypeError(f"{type(self).__name__} has no spec: set the class attribute `spec`")
        if not client_id:
            raise ValueError("client_id must be a non-empty string")
        self._client_id = client_id
        self._client_secret = client_secret
        self._private_key = private_key
        self._key_id = key_id
        self._clock = clock
        from .hooks.host import HookHost

        self._hooks = _hooks_of(self.spec)
        self._hook_host = HookHost(self)
        _register_secret_names(self.spec)
        needed = [
            name for functions in self._hooks.values() for _, extra in functions for name in extra
        ]
        self._variables: dict[str, VariableValue] = resolve_variables(
            self.spec, variables, environment, hook_variables=needed
        )
        self._captured_values: dict[str, Any] = {}

    # -- what HookHost reads ---------------------------------------------------------------

    @property
    def client_id(self) -> str:
        return self._client_id

    @property
    def client_secret(self) -> str | None:
        return self._client_secret

    @property
    def private_key(self) -> str | bytes | None:
        return self._private_key

    @property
    def key_id(self) -> str | None:
        return self._key_id

    @property
    def http(self) -> requests.Session:
        raise NotImplementedError

    def _now(self) -> float:
        return self._clock()

    def _variable(self, name: str) -> object:
        if name not in self._variables:
            raise ValueError(
                f"{self.spec.name} needs the variable {name!r}: pass variables={{{name!r}: ...}}"
            )
        return self._variables[name]

    def _introspect_for_hook(self, token: str) -> dict[str, Any]:
        raise NotImplementedError(f"{self.spec.name} has no token introspection")

    # -- helpers ---------------------------------------------------------------------------

    @property
    def variables(self) -> Mapping[str, VariableValue]:
        """The resolved variables (given, environment, defaults)."""
        return dict(self._variables)

    def _hook_functions(self, point: HookPoint) -> list[Callable[..., Any]]:
        """The spec's hooks at ``point``, in order, each given this client's :class:`HookHost`."""
        functions = self._hooks.get(point)
        if not functions:
            return []
        return [functools.partial(function, self._hook_host) for function, _ in functions]

    def _placeholders(self, token: Mapping[str, Any] | None = None) -> Placeholders:
        return Placeholders(
            self._variables,
            client_id=self._client_id,
            client_secret=self.client_secret,
            token=token,
            access_token_field=self._access_token_field,
        )

    def _current_token(self) -> Mapping[str, Any] | None:
        raise NotImplementedError

    def _checked_token(self, token: Mapping[str, Any]) -> TokenT:
        """``token`` as the client's token type, or ``ShapeError`` naming what does not fit."""
        checked: TokenT = self._token_shape.check(token, scopes=self.spec.scopes.known)
        return checked

    def _api_hosts(self) -> frozenset[str]:
        """The hosts of the provider's own API (api.base_url, userinfo): the only ones an API
        header holding the client secret is sent to."""
        hosts = set()
        for name in ("api", "userinfo"):
            try:
                url = (
                    self.api_url() if name == "api" else self._spec_url("userinfo", with_token=True)
                )
            except ValueError:  # a template that needs a token or variable not there yet
                continue
            if url:
                hosts.add((urlsplit(url).hostname or "").lower())
        hosts.discard("")
        return frozenset(hosts)

    def _require_token(self, what: str) -> None:
        """``NoTokenError`` (raised before anything is sent) when the client holds no token."""
        if not self._current_token():
            raise self._no_token(what)

    def _no_token(self, what: str, needed: str = "a token") -> Exception:
        from ..errors import NoTokenError

        return NoTokenError(f"{self.spec.name} {what}", needed)

    def _spec_url(self, name: str, *, with_token: bool = False) -> str | None:
        template = endpoint_template(self.spec.endpoints, name)
        if template is None:
            return None
        token = self._current_token() if with_token else None
        return render_url(template, self._placeholders(token), where=f"endpoints.{name}")

    def api_url(self, path: str = "") -> str:
        """``api.base_url`` with its placeholders filled, joined with ``path``."""
        base = self.spec.api.base_url
        if base is None:
            raise ValueError(f"{self.spec.name} declares no api.base_url")
        url = render_url(base, self._placeholders(self._current_token()), where="api.base_url")
        if not path:
            return url
        if "://" in path:
            raise ValueError("api_url takes a path relative to the API base URL, not a full URL")
        return url.rstrip("/") + "/" + path.lstrip("/")

    def _callback_errors(self, params: Mapping[str, str]) -> None:
        """Raise the error the provider put on the redirect, if any."""
        from .callback import raise_callback_error

        raise_callback_error(params, self.spec.callback.error)

    def _callback_values(self, params: Mapping[str, str]) -> None:
        """Captures and callback hooks of a redirect."""
        from .callback import read_captures

        captured = read_captures(params, self.spec.callback.capture)
        for hook in self._hook_functions("callback"):
            captured.update(hook(params))
        self._captured_values = captured

    def _captured(self) -> dict[str, Any]:
        """Values captured from the last callback (``callback.capture`` and callback hooks)."""
        return dict(self._captured_values)

    def _profile_from_endpoint(self, url: str, *, timeout: Timeout = None) -> dict[str, Any]:
        from .userinfo import map_profile, request_profile

        rules = self.spec.userinfo
        if rules is None:
            raise ValueError(f"{self.spec.name} declares no userinfo")
        replace = self._hook_functions("userinfo_request")
        document = request_profile(
            self.http,
            url,
            rules,
            self._placeholders(self._current_token()),
            replace_request=replace[0] if replace else None,
            timeout=timeout,
            response_hooks=self._hook_functions("userinfo_response"),
        )
        return map_profile(document, rules)


def _hooks_of(spec: SpecView) -> dict[str, list[tuple[Callable[..., Any], tuple[str, ...]]]]:
    from .hooks import HOOKS

    found: dict[str, list[tuple[Callable[..., Any], tuple[str, ...]]]] = {}
    for point, names in field_items(spec.hooks):
        for name in cast(Sequence[str], names):  # every field of HooksView lists hook names
            info = HOOKS.get(name)
            if info is None:
                raise ValueError(
                    f"{spec.name}: unknown hook {name!r}; known: {', '.join(sorted(HOOKS))}"
                )
            if info.point != point:
                raise ValueError(f"{spec.name}: hook {name!r} runs at {info.point}, not {point}")
            found.setdefault(point, []).append((info.function, info.variables))
    return found


def _register_secret_names(spec: SpecView) -> None:
    """Tell the log redaction the provider's own names for tokens and secrets: the API token
    parameter, exchange and revocation token parameters, renamed client credentials."""
    from .._redact import SECRET_PARAMETERS, register_secret_parameter

    api = spec.api
    names: list[str | None] = []
    if api.token_placement != "header":
        names.append(api.token_name)
    names += [name for name, value in api.query.items() if "{" in str(value)]
    names += [rules.token_param for rules in spec.exchanges.values()]
    names.append(spec.revocation.token_param)
    renamed = spec.token.param_names.items()
    names += [name for standard, name in renamed if standard in SECRET_PARAMETERS]
    for name in names:
        if name:
            register_secret_parameter(name)
