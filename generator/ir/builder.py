"""Loaded spec -> ``ModuleIR``: literals and docstrings rendered, imports counted.

Nothing from the spec reaches the IR except through ``render.safe`` (identifiers, ``repr``
literals), ``render.docstrings`` (the one escaper) and ``render.literal`` (the ``_SPEC``
value). The names the spec contributes were checked when it was loaded, against the names
``spec.naming`` says the module and each method use (``spec/checks/names.py``), so building a
loaded spec does not fail.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from runtime.spec import AuthorizeOption, FieldType, ProviderSpec, TypedField, Variable

from ..render.docstrings import docstring
from ..render.layout import NOTHING, WIDTH, Atom, Group, Node, Pair, render
from ..render.literal import render_literal
from ..render.safe import Code, DocBlock, Identifier, code, identifier, join, literal
from ..spec.errors import one_line
from ..spec.flows import supported_flows
from ..spec.loader import LoadedSpec
from ..spec.naming import (
    MODULE_IMPORTS,
    generated_class_names,
    scope_constant_names,
)
from ..spec.normalize import embedded_spec
from . import facts
from .model import (
    ClientClass,
    ConstantsClass,
    Field,
    ImportSection,
    Method,
    ModuleIR,
    TypedDictDef,
)

# Imports only the type checker needs, kept under ``if TYPE_CHECKING:`` so that ``import``
# stays cheap.
_CHECKING_ONLY = frozenset(
    {
        # Only annotations use it (lazy under ``from __future__ import annotations``);
        # importing typing_extensions would add ~5 ms to every ``import generated.<id>``.
        "Required",
        # Annotations only: the runtime loads these on first use.
        "AuthorizationRequest",
        "threading",
        "DeviceAuthorization",
        "TokenStore",
        # Only _SPEC's annotation: the TypedDicts behind it cost ~2 ms to create.
        "RuntimeSpec",
    }
)
_SECTIONS = (
    ("collections.abc", "threading", "typing"),
    ("typing_extensions",),
    ("runtime.device", "runtime.provider", "runtime.stores"),
)
_JWT_AUTH = frozenset({"private_key_jwt", "client_secret_jwt"})
_RSA_SIGNATURES = frozenset({"RSA-SHA1", "RSA-SHA256", "RSA-SHA512"})

_MethodFactory = Callable[[], Method]

# The runtime's field kinds (``runtime.provider.shapes.Kind``), by spec type, and the annotation
# of each in the generated TypedDict.
_FIELD_KINDS: dict[FieldType, str] = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "list[str]": "list[str]",
    "dict": "dict",
    "json": "any",
}
_CAPTURE_KINDS: dict[str, str] = {"str": "str", "int": "int", "json": "any"}
_KIND_ANNOTATIONS: dict[str, str] = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "list[str]": "list[str]",
    "scopes": "list[Scope]",
    "dict": "dict[str, Any]",
    "any": "Any",
}


@dataclass(frozen=True)
class _Nested:
    """A field holding another of the module's TypedDicts (by its role in ``names``)."""

    role: str


_Row = tuple[str, str | _Nested, bool, str]
"""A TypedDict field: key, kind (``_KIND_ANNOTATIONS``' keys or ``_Nested``), required, doc."""


@dataclass(frozen=True)
class _Param:
    name: Identifier
    annotation: Node
    tail: Code = NOTHING
    """`` = default`` / `` | None = None``; empty for a required argument."""

    def node(self) -> Pair:
        return Pair(code("{}: ", self.name), self.annotation, self.tail)


@dataclass
class _Imports:
    used: set[str] = field(default_factory=set)

    def use(self, name: str) -> Identifier:
        if name not in MODULE_IMPORTS:
            raise KeyError(f"{name} is not an import of generated modules")
        self.used.add(name)
        return identifier(name)

    def sections(self, *, type_checking: bool) -> tuple[ImportSection, ...]:
        by_module: dict[str, list[str]] = {}
        for name in self.used:
            if (name in _CHECKING_ONLY) == type_checking:
                by_module.setdefault(MODULE_IMPORTS[name], []).append(name)
        indent = 4 if type_checking else 0
        sections = []
        for modules in _SECTIONS:
            plain = [m for m in modules if m in by_module and by_module[m] == [m]]
            froms = [m for m in modules if m in by_module and by_module[m] != [m]]
            lines = [code("import {}", identifier(m)) for m in sorted(plain, key=str.lower)]
            lines += [
                _from_import(module, sorted(by_module[module], key=isort_key), indent)
                for module in sorted(froms, key=str.lower)
            ]
            if lines:
                sections.append(ImportSection(tuple(lines)))
        return tuple(sections)


def isort_key(name: str) -> tuple[int, str, str]:
    """isort's order-by-type: CONSTANTS, then Classes, then functions and modules."""
    if name.isupper() and len(name) > 1:
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return (kind, name.lower(), name)


def _module_path(module: str) -> Code:
    return code(".".join("{}" for _ in module.split(".")), *map(identifier, module.split(".")))


def _from_import(module: str, names: list[str], indent: int) -> Code:
    node = Group(
        code("from {} import (", _module_path(module)),
        tuple(Atom(identifier(name)) for name in names),
        Code(")"),
    )
    listed = join(", ", [identifier(name) for name in names])
    one_line = code("from {} import {}", _module_path(module), listed)
    if indent + len(one_line) <= WIDTH:
        return one_line
    return render(node, indent=indent)


def build_module(loaded: LoadedSpec, *, source: str, version: str) -> ModuleIR:
    """The IR of ``generated/<id>/__init__.py`` for ``loaded``; ``source`` is the spec path
    shown in the header."""
    return _Builder(loaded, source, version).module()


class _Builder:
    def __init__(self, loaded: LoadedSpec, source: str, version: str) -> None:
        self.loaded = loaded
        self.spec: ProviderSpec = loaded.spec
        self.source = source
        self.version = version
        self.imports = _Imports()
        self.oauth1 = self.spec.protocol == "oauth1"
        self.names = generated_class_names(self.spec)

    # -- module ------------------------------------------------------------------------------

    def module(self) -> ModuleIR:
        spec = self.spec
        use = self.imports.use
        scope_alias, scope_doc = self._scope_alias()
        scope_constants = self._scope_constants()
        typed_dicts = self._typed_dicts()
        client = self._client()
        use("Final"), use("RuntimeSpec")
        spec_head = "_SPEC: Final[RuntimeSpec] = "
        spec_constant = code(
            "_SPEC: Final[RuntimeSpec] = {}",
            render_literal(embedded_spec(spec), column=len(spec_head)),
        )
        exported = sorted(
            [
                *(["Scope"] if scope_alias is not None else []),
                *(["Scopes"] if scope_constants.fields else []),
                *self.names.values(),
            ],
            key=isort_key,
        )
        exports = code(
            "__all__ = {}",
            render(
                Group(Code("["), tuple(Atom(literal(n)) for n in exported), Code("]")),
                column=len("__all__ = "),
            ),
        )
        type_checking = self.imports.sections(type_checking=True)
        if type_checking:
            use("TYPE_CHECKING")
        return ModuleIR(
            header=self._header(),
            docstring=self._module_docstring(),
            imports=self.imports.sections(type_checking=False),
            has_type_checking=bool(type_checking),
            type_checking_imports=type_checking,
            exports=exports,
            has_scope=scope_alias is not None,
            scope_alias=scope_alias if scope_alias is not None else Code(""),
            scope_docstring=scope_doc,
            has_scope_constants=bool(scope_constants.fields),
            scope_constants=scope_constants,
            typed_dicts=typed_dicts,
            spec_constant=spec_constant,
            client=client,
        )

    def _header(self) -> Code:
        return code(
            "# @generated by oauthgen {} from {} (sha256:{}). Do not edit.",
            comment_text(self.version),
            comment_text(self.source),
            comment_text(self.loaded.sha256),
        )

    def _module_docstring(self) -> DocBlock:
        spec = self.spec
        body: list[str] = []
        if spec.description:
            body += [spec.description.strip(), ""]
        body.append(
            f"Protocol: {facts.PROTOCOL_NAMES[spec.protocol]}. "
            f"Client class: {self.names['client']}."
        )
        body.append(f"Flows: {', '.join(self._flow_names())}.")
        body.append(f"Documentation: {spec.docs}")
        body += ["", "Endpoints:", *facts.endpoint_lines(spec)]
        return docstring(f"{spec.name} OAuth client.", body)

    def _flow_names(self) -> list[str]:
        return [method for method in self._flows() if method != "__init__"]

    # -- Scope -------------------------------------------------------------------------------

    def _scope_alias(self) -> tuple[Code | None, DocBlock]:
        scopes = self.spec.scopes
        if not scopes.supported:
            return None, docstring("")
        known = sorted(scopes.known)
        if not known:
            return Code("Scope = str"), docstring(
                "A scope name; the spec lists no known scopes, so any string is accepted."
            )
        node = Group(
            code("{}[", self.imports.use("Literal")),
            tuple(Atom(literal(name)) for name in known),
            Code("]"),
        )
        alias = code("Scope = {}", render(node, column=len("Scope = ")))
        lines = [f"- {name}: {scopes.known[name].strip()}" for name in known]
        return alias, docstring(f"The scopes {self.spec.name} defines.", lines)

    def _scope_constants(self) -> ConstantsClass:
        scopes = self.spec.scopes
        known = sorted(scopes.known) if scopes.supported else []
        names = scope_constant_names(known)
        fields = []
        if known:
            self.imports.use("Final")
        for scope in known:
            declaration = code("{}: Final = {}", identifier(names[scope]), literal(scope))
            fields.append(
                Field(
                    declaration=render(Atom(declaration), indent=4),
                    has_doc=True,
                    docstring=docstring(scopes.known[scope].strip(), indent=4),
                )
            )
        example = f"``scopes=[Scopes.{names[known[0]]}]``" if known else ""
        return ConstantsClass(
            name=identifier("Scopes"),
            docstring=docstring(
                f"Every scope {self.spec.name} defines, as a constant of its ``Scope`` literal.",
                [f"Use them where an editor does not complete literals: {example}."],
                indent=4,
            ),
            fields=tuple(fields),
        )

    def _scopes_type(self) -> Node:
        return Atom(code("{}[Scope]", self.imports.use("Sequence")))

    # -- typed dicts -------------------------------------------------------------------------

    def _typed_dicts(self) -> tuple[TypedDictDef, ...]:
        spec = self.spec
        defs = [*self._other_token_dicts(), self._token_dict()]
        if self.oauth1:
            defs.append(
                self._typed_dict(
                    "request_token",
                    "Temporary credentials from the request token step.",
                    [
                        ("oauth_token", "str", True, "The request token."),
                        ("oauth_token_secret", "str", False, "Its secret."),
                        (
                            "oauth_callback_confirmed",
                            "str",
                            False,
                            "'true' when the provider accepted the callback URI.",
                        ),
                    ],
                )
            )
        if spec.userinfo is not None:
            userinfo = spec.userinfo
            rows = self._typed_fields(userinfo.fields)
            where = "the id_token claims" if userinfo.source == "id_token" else "the profile"
            defs.append(
                self._typed_dict(
                    "profile",
                    f"The user's {spec.name} profile, read from {where}.",
                    rows,
                    [f"The stable user id is {facts.q(userinfo.id_field)}."],
                )
            )
        if "callback" in self.names:
            rows = []
            for name in sorted(spec.callback.capture):
                captured = spec.callback.capture[name]
                doc = captured.description or ""
                if captured.param and captured.param != name:
                    doc = f"{doc} Callback parameter {facts.q(captured.param)}.".strip()
                if captured.required:
                    doc = f"{doc} Always present after a callback.".strip()
                rows.append((name, _CAPTURE_KINDS[captured.type], False, doc))
            defs.append(
                self._typed_dict(
                    "callback",
                    "Values captured from the last callback (empty before one).",
                    rows,
                )
            )
        return tuple(defs)

    def _token_dict(self) -> TypedDictDef:
        spec = self.spec
        rows: list[_Row]
        if self.oauth1:
            rows = [
                ("oauth_token", "str", True, "The access token."),
                ("oauth_token_secret", "str", False, "Its secret."),
            ]
            extras = spec.oauth1.access_token.extra
        else:
            rows = [
                ("access_token", "str", True, "The access token."),
                ("token_type", "str", False, "Usually 'Bearer'."),
                ("expires_in", "int", False, "Lifetime in seconds, when it expires."),
                ("expires_at", "float", False, "Unix time when it expires."),
                ("refresh_token", "str", False, "Trades for a new access token."),
                ("scope", self._granted_scopes_kind(), False, "The scopes granted."),
            ]
            if spec.token.response.refresh_expires is not None:
                rows += [
                    (
                        "refresh_token_expires_in",
                        "int",
                        False,
                        "Lifetime of the refresh token in seconds.",
                    ),
                    (
                        "refresh_token_expires_at",
                        "float",
                        False,
                        "Unix time when the refresh token expires; sign in again after it.",
                    ),
                ]
            if spec.protocol == "oidc":
                rows.append(("id_token", "str", False, "The OpenID Connect ID token."))
            extras = spec.token.response.extra
        rows += self._typed_fields(extras)
        if not self.oauth1:
            rows += self._added_token_fields()
            for name, other in spec.token.response.other_tokens.items():
                doc = other.description or f"The {name} token."
                rows.append(
                    (
                        name,
                        _Nested(f"other_token:{name}"),
                        False,
                        f"{doc} Refresh it with refresh(which={name!r}).",
                    )
                )
        return self._typed_dict(
            "token",
            f"A {spec.name} token as the client keeps it.",
            rows,
        )

    def _other_token_dicts(self) -> list[TypedDictDef]:
        if self.oauth1:
            return []
        rows: list[_Row] = [
            ("access_token", "str", True, "The access token."),
            ("token_type", "str", False, "As the provider names it."),
            ("expires_in", "int", False, "Lifetime in seconds, when it expires."),
            ("expires_at", "float", False, "Unix time when it expires."),
            ("refresh_token", "str", False, "Trades for a new access token."),
            ("scope", "list[str]", False, "The scopes granted."),
        ]
        return [
            self._typed_dict(
                f"other_token:{name}",
                other.description or f"The {self.spec.name} {name} token.",
                rows,
            )
            for name, other in self.spec.token.response.other_tokens.items()
        ]

    def _added_token_fields(self) -> list[_Row]:
        """Token fields from the callback (captures kept on the token) and after_token steps;
        never required: a token saved before the spec gained them lacks them."""
        spec = self.spec
        rows: list[_Row] = []
        for name in sorted(spec.callback.capture):
            captured = spec.callback.capture[name]
            if captured.on_token:
                doc = captured.description or ""
                doc = f"{doc} From the callback's {facts.q(captured.param or name)}.".strip()
                rows.append((name, _CAPTURE_KINDS[captured.type], False, doc))
        for step_name, step in spec.after_token.items():
            for kept_key, node, _, kept_doc in self._typed_fields(step.keep):
                rows.append(
                    (kept_key, node, False, f"{kept_doc} From the {step_name} call.".strip())
                )
        return rows

    def _typed_fields(self, fields: Mapping[str, TypedField]) -> list[_Row]:
        rows: list[_Row] = []
        for name in sorted(fields):
            typed = fields[name]
            doc = typed.description or ""
            if typed.path and typed.path != name:
                doc = f"{doc} Read from {facts.q(typed.path)}.".strip()
            rows.append((name, _FIELD_KINDS[typed.type], typed.required, doc))
        return rows

    def _granted_scopes_kind(self) -> str:
        """``scopes`` (``list[Scope]``) where the provider answers with the known names."""
        scopes = self.spec.scopes
        echoes_known = self.spec.token.response.scope.known_names
        return "scopes" if echoes_known and scopes.supported and scopes.known else "list[str]"

    def _annotation(self, kind: str | _Nested) -> Code:
        if isinstance(kind, _Nested):
            return Code(identifier(self.names[kind.role]))
        text = _KIND_ANNOTATIONS[kind]
        if "Any" in text:
            self.imports.use("Any")
        return Code(text)  # one of the fixed type spellings above

    def _typed_dict(
        self,
        role: str,
        summary: str,
        rows: Sequence[_Row],
        body: Sequence[str] = (),
    ) -> TypedDictDef:
        """The ``TypedDict`` of ``self.names[role]``, and the ``Shape`` describing it to the
        runtime's checker (``runtime.provider.shapes``)."""
        use = self.imports.use
        use("TypedDict")
        name = identifier(self.names[role])
        fields = []
        described: list[Node] = []
        for key, kind, required, doc in rows:
            annotation: Node = Atom(self._annotation(kind))
            if required:
                annotation = Group(code("{}[", use("Required")), (annotation,), Code("]"))
            declaration = render(Pair(code("{}: ", identifier(key)), annotation), indent=4)
            fields.append(
                Field(
                    declaration=declaration,
                    has_doc=bool(doc),
                    docstring=docstring(doc, indent=4),
                )
            )
            kind_node = Atom(
                self._shape_name(kind.role) if isinstance(kind, _Nested) else literal(kind)
            )
            described.append(
                Pair(
                    code("{}: ", literal(str(key))),
                    Group(Code("("), (kind_node, Atom(literal(required))), Code(")")),
                )
            )
        head = code("{}: {}[{}[{}]] = ", self._shape_name(role), use("Final"), use("Shape"), name)
        shape = Group(
            code("{}(", use("Shape")),
            (Atom(literal(self.names[role])), Group(Code("{"), tuple(described), Code("}"))),
            Code(")"),
        )
        return TypedDictDef(
            name=name,
            docstring=docstring(summary, body, indent=4),
            fields=tuple(fields),
            shape=code("{}{}", head, render(shape, column=len(head))),
        )

    def _shape_name(self, role: str) -> Identifier:
        """``_TOKEN_SHAPE``, ``_PROFILE_SHAPE``, ``_AUTHED_USER_TOKEN_SHAPE``..."""
        words = role.removeprefix("other_token:") + ("_token" if ":" in role else "")
        return identifier(f"_{words.upper()}_SHAPE")

    # -- the client class ----------------------------------------------------------------------

    def _client(self) -> ClientClass:
        spec = self.spec
        base = "OAuth1Provider" if self.oauth1 else "OAuth2Provider"
        self.imports.use("ClassVar")
        methods = [self._flows()[name]() for name in self._flows()]
        body = []
        if spec.description:
            body += [spec.description.strip(), ""]
        body += ["Endpoints:", *facts.endpoint_lines(spec)]
        quirks = facts.quirk_lines(spec)
        if quirks:
            body += ["", "Quirks:", *(f"- {line}" for line in quirks)]
        unconfirmed = facts.unconfirmed_topics(spec)
        if unconfirmed:
            body += ["", f"Not confirmed by a listed source: {', '.join(unconfirmed)}."]
        body += ["", f"Documentation: {spec.docs}"]
        token = self._token_type()
        return ClientClass(
            name=identifier(self.names["client"]),
            base=code("{}[{}], spec=_SPEC", self.imports.use(base), token),
            token_shape=code(
                "_token_shape: {}[{}[{}]] = {}",
                self.imports.use("ClassVar"),
                self.imports.use("Shape"),
                token,
                self._shape_name("token"),
            ),
            docstring=docstring(
                f"{spec.name} client ({facts.PROTOCOL_NAMES[spec.protocol]}).", body, indent=4
            ),
            methods=tuple(methods),
        )

    def _flows(self) -> dict[str, _MethodFactory]:
        """The methods of the client: ``__init__``, then each supported flow's, in order."""
        methods_of: dict[str, tuple[tuple[str, _MethodFactory], ...]] = {
            "oauth1_authorization": (
                ("fetch_request_token", self._fetch_request_token),
                ("authorization_url", self._authorization_url),
                ("fetch_access_token", self._fetch_access_token),
            ),
            "authorization_code": (
                ("authorization_url", self._authorization_url),
                ("fetch_token", self._fetch_token),
            ),
            "refresh": (("refresh", self._refresh),),
            "client_credentials": (("client_credentials", self._client_credentials),),
            "device_code": (
                ("device_authorization", self._device_authorization),
                ("poll_device_token", self._poll_device_token),
            ),
            "revoke": (("revoke", self._revoke),),
            "introspect": (("introspect", self._introspect),),
            "userinfo": (("userinfo", self._userinfo),),
        }
        flows: dict[str, _MethodFactory] = {"__init__": self._init}
        for flow in supported_flows(self.spec):
            kind, _, exchange = flow.partition(":")
            if kind == "exchange":
                flows[f"exchange_{exchange}"] = _bind_exchange(self, exchange)
                continue
            flows.update(methods_of[flow])
            if flow in ("oauth1_authorization", "authorization_code") and "callback" in self.names:
                flows["captured"] = self._captured
        return flows

    # -- method pieces -------------------------------------------------------------------------

    def _method(
        self,
        name: str,
        *,
        summary: str,
        body: Sequence[str] = (),
        positional: Sequence[_Param] = (),
        keyword: Sequence[_Param] = (),
        returns: Code,
        target: str,
        call_positional: Sequence[Node] = (),
        call_keyword: Sequence[tuple[str, Node]] = (),
        checked_by: Identifier | None = None,
        statement: bool = False,
        per_call: Literal["", "timeout", "timeout+extra"] = "",
    ) -> Method:
        """A method whose body is one call of ``target``; ``per_call`` adds the keyword
        arguments ``timeout`` (and ``extra``) the runtime applies to the flow's requests."""
        if per_call:
            keyword, call_keyword, body = self._per_call(per_call, keyword, call_keyword, body)
        items: list[Node] = [Atom(Code("self"))]
        items += [param.node() for param in positional]
        if keyword:
            items.append(Atom(Code("*")))
            items += [param.node() for param in keyword]
        signature = render(
            Group(
                code("def {}(", identifier(name)), tuple(items), Code(")"), code(" -> {}:", returns)
            ),
            indent=4,
        )
        arguments: list[Node] = list(call_positional)
        arguments += [Pair(code("{}=", identifier(key)), value) for key, value in call_keyword]
        call_head = (
            Code("super().__init__(")
            if target == "__init__"
            else code("self.{}(", identifier(target))
        )
        call: Node = Group(call_head, tuple(arguments), Code(")"))
        if checked_by is not None:  # the runtime's checker returns the value as its TypedDict
            call = Group(code("{}.check(", checked_by), (call,), Code(")"))
        statement_node: Node = call if statement else Pair(Code("return "), call)
        return Method(
            signature=signature,
            docstring=docstring(summary, body, indent=8),
            body=render(statement_node, indent=8),
        )

    def _per_call(
        self,
        which: str,
        keyword: Sequence[_Param],
        call_keyword: Sequence[tuple[str, Node]],
        body: Sequence[str],
    ) -> tuple[list[_Param], list[tuple[str, Node]], list[str]]:
        timeout_type = Atom(Code("float | tuple[float, float]"))
        params = [*keyword, _Param(identifier("timeout"), timeout_type, Code(" | None = None"))]
        docs = [*body] if "Args:" in body else [*body, "", "Args:"]
        docs.append(
            f"    timeout: Seconds to wait for {self.spec.name}: a number, or (connect, read). "
            "Default: the client's."
        )
        if which == "timeout":
            return params, [*call_keyword, *self._pass("timeout")], docs
        extra_type = Atom(code("{}[str, str]", self.imports.use("Mapping")))
        params.append(_Param(identifier("extra"), extra_type, Code(" | None = None")))
        owned = (
            "an oauth_ one, the token" if self.oauth1 else "grant_type, code, client_id, the token"
        )
        docs.append(
            f"    extra: More parameters to send. One the flow sets itself ({owned}...) is "
            "refused with ExtraParameterError (a ValueError)."
        )
        settings = Group(
            code("{}(", self.imports.use("PerCall")),
            (Atom(identifier("timeout")), Atom(identifier("extra"))),
            Code(")"),
        )
        return params, [*call_keyword, ("per_call", settings)], docs

    def _entry(self, name: str) -> Pair:
        """``"name": name`` in a dict display."""
        return Pair(code("{}: ", literal(name)), Atom(identifier(name)))

    def _str_param(self, name: str) -> _Param:
        return _Param(identifier(name), Atom(Code("str")), Code(" | None = None"))

    def _pass(self, *names: str) -> list[tuple[str, Node]]:
        return [(name, Atom(identifier(name))) for name in names]

    def _token_type(self) -> Code:
        return Code(identifier(self.names["token"]))

    # -- __init__ ------------------------------------------------------------------------------

    def _init(self) -> Method:
        spec = self.spec
        use = self.imports.use
        token_type = self._token_type()
        params: list[_Param] = []
        args: list[tuple[str, Node]] = []
        docs: list[str] = ["Args:"]
        if self.oauth1:
            params.append(_Param(identifier("client_key"), Atom(Code("str"))))
            params += [self._str_param("client_secret"), self._str_param("callback_uri")]
            docs += [
                "    client_key: The consumer key.",
                "    client_secret: The consumer secret.",
                "    callback_uri: Where the provider sends the user back (oob when absent).",
            ]
            args += self._pass("client_key", "client_secret", "callback_uri")
        else:
            params.append(_Param(identifier("client_id"), Atom(Code("str"))))
            params += [self._str_param("client_secret"), self._str_param("redirect_uri")]
            docs += [
                "    client_id: The OAuth client id.",
                "    client_secret: The client secret, if the client has one.",
                "    redirect_uri: The callback URL registered with the provider.",
            ]
            args += self._pass("client_id", "client_secret", "redirect_uri")
        variable_entries: list[Node] = []
        any_optional = False
        for name in sorted(spec.variables):
            variable = spec.variables[name]
            ident = identifier(name)
            annotation, tail, optional = self._variable_type(name, variable)
            any_optional = any_optional or optional
            params.append(_Param(ident, annotation, tail))
            docs.append(f"    {name}: {self._variable_doc(name, variable)}")
            variable_entries.append(Pair(code("{}: ", literal(name)), Atom(ident)))
        if variable_entries:
            given: Node = Group(Code("{"), tuple(variable_entries), Code("}"))
            if any_optional:
                given = Group(
                    Code("{"),
                    (
                        Atom(Code("name: value")),
                        Pair(Code("for name, value in "), given, Code(".items()")),
                        Atom(Code("if value is not None")),
                    ),
                    Code("}"),
                    commas=False,
                )
            args.append(("variables", given))
        if spec.environments:
            names = sorted(spec.environments)
            env_type = Group(
                code("{}[", use("Literal")), tuple(Atom(literal(n)) for n in names), Code("]")
            )
            params.append(_Param(identifier("environment"), env_type, Code(" | None = None")))
            described = []
            for env in names:
                about = spec.environments[env].description
                described.append(f"{env} ({about.strip()})" if about else env)
            docs.append(f"    environment: A named deployment: {', '.join(described)}.")
            args += self._pass("environment")
        params.append(_Param(identifier("token"), Atom(token_type), Code(" | None = None")))
        docs.append("    token: A token to start with, e.g. one saved earlier.")
        args += self._pass("token")
        if self.oauth1:
            if spec.oauth1.signature_method in _RSA_SIGNATURES:
                params.append(self._str_param("rsa_key"))
                docs.append("    rsa_key: The PEM private key that signs requests.")
                args += self._pass("rsa_key")
            summary = f"A {spec.name} client for the consumer ``client_key``."
        else:
            params.append(
                _Param(identifier("token_store"), Atom(use("TokenStore")), Code(" | None = None"))
            )
            params.append(self._str_param("token_store_key"))
            updater = Atom(code("{}[[{}], object]", use("Callable"), token_type))
            params.append(_Param(identifier("token_updater"), updater, Code(" | None = None")))
            docs += [
                "    token_store: Where tokens are loaded from and saved to.",
                "    token_store_key: The key of this client's token in the store.",
                "    token_updater: Called with each renewed token: refresh() and the automatic",
                "        renewals of ``session``; tokens the other flow methods return are not",
                "        passed to it.",
            ]
            args += self._pass("token_store", "token_store_key", "token_updater")
            if self._uses_private_key():
                params.append(
                    _Param(
                        identifier("private_key"),
                        Atom(Code("str | bytes")),
                        Code(" | None = None"),
                    )
                )
                params.append(self._str_param("key_id"))
                docs += [
                    "    private_key: The PEM key that signs client assertions (JWT).",
                    "    key_id: The key id (kid) to put in the assertion header.",
                ]
                args += self._pass("private_key", "key_id")
            summary = f"A {spec.name} client for ``client_id``."
        return self._method(
            "__init__",
            summary=summary,
            body=docs,
            keyword=params,
            returns=Code("None"),
            target="__init__",
            call_keyword=args,
            statement=True,
        )

    def _uses_private_key(self) -> bool:
        spec = self.spec
        methods = {spec.token.client_auth, spec.device.client_auth, spec.revocation.client_auth}
        if spec.refresh is not None:
            methods.add(spec.refresh.client_auth)
        methods.update(exchange.client_auth for exchange in spec.exchanges.values())
        return bool(methods & _JWT_AUTH) or bool(spec.hooks.client_secret)

    def _overridden(self, name: str) -> list[str]:
        return sorted(
            env for env, values in self.spec.environments.items() if name in values.variables
        )

    def _variable_type(self, name: str, variable: Variable) -> tuple[Node, Code, bool]:
        if variable.choices:
            annotation: Node = Group(
                code("{}[", self.imports.use("Literal")),
                tuple(Atom(literal(choice)) for choice in variable.choices),
                Code("]"),
            )
        else:
            annotation = Atom(Code("int" if variable.type == "int" else "str"))
        if self._overridden(name):
            # An environment may set it: None lets the runtime pick given > environment > default.
            return annotation, Code(" | None = None"), True
        if variable.default is not None:
            return annotation, code(" = {}", literal(variable.default)), False
        return annotation, Code(""), False

    def _variable_doc(self, name: str, variable: Variable) -> str:
        parts = [variable.description.strip()] if variable.description else []
        if variable.choices and variable.default is None:
            parts.append(f"One of {facts.listed(variable.choices)}.")
        if variable.pattern:
            parts.append(f"Must match {facts.q(variable.pattern)}.")
        if variable.default is not None:
            parts.append(f"Default: {facts.q(variable.default)}.")
        elif not self._overridden(name):
            parts.append("Required.")
        for env in self._overridden(name):
            value = self.spec.environments[env].variables[name]
            parts.append(f"Environment {env}: {facts.q(value)}.")
        return " ".join(parts)

    # -- authorization ---------------------------------------------------------------------------

    def _authorization_url(self) -> Method:
        spec = self.spec
        scopes = spec.scopes
        params: list[_Param] = []
        args: list[tuple[str, Node]] = []
        option_entries: list[Node] = []
        docs = [f"Endpoint: {spec.endpoints.authorize}", "", "Args:"]
        if self.oauth1:
            params.append(self._str_param("request_token"))
            docs.append("    request_token: Default: the one fetch_request_token() returned.")
            args += self._pass("request_token")
        if scopes.supported:
            params.append(_Param(identifier("scopes"), self._scopes_type(), Code(" | None = None")))
            default = facts.listed(scopes.default) if scopes.default else "none"
            docs.append(f"    scopes: The scopes to request; default: {default}.")
            args += self._pass("scopes")
        elif not self.oauth1:
            args.append(("scopes", Atom(Code("None"))))
        if not self.oauth1:
            if spec.authorize.state != "unsupported":
                params.append(self._str_param("state"))
                docs.append("    state: Default: a new random value.")
                args += self._pass("state")
            else:
                args.append(("state", Atom(Code("None"))))
            if scopes.supported and scopes.user_param:
                params.append(
                    _Param(identifier("user_scopes"), self._scopes_type(), Code(" | None = None"))
                )
                docs.append(f"    user_scopes: User scopes, sent as {facts.q(scopes.user_param)}.")
                option_entries.append(self._entry("user_scopes"))
            needed = self._refresh_needs()
            if needed:
                params.append(
                    _Param(identifier("offline"), Atom(Code("bool")), Code(" | None = None"))
                )
                docs.append(
                    f"    offline: False leaves out {needed} that {spec.name} needs for a refresh "
                    "token. Default: sent."
                )
                option_entries.append(self._entry("offline"))
        self._typed_options(spec.authorize.options, params, docs, option_entries)
        args.append(("options", Group(Code("{"), tuple(option_entries), Code("}"))))
        if self.oauth1:
            summary = "The URL to send the user to, for the request token."
            returns = Code("str")
        else:
            summary = (
                "Start a sign-in: the URL to send the user to, and what its callback must match."
            )
            returns = Code(self.imports.use("AuthorizationRequest"))
            docs[0:0] = [
                "Send the user to the request's ``url``. Keep the request until the callback "
                "(a web app: ``request.to_dict()`` in the user's session; "
                "``AuthorizationRequest.from_dict()`` reads it back) and pass it to "
                "``fetch_token(callback, request=...)``: it holds the state, the PKCE verifier "
                "and the nonce. A script that uses this client for both steps may leave it out.",
                "",
            ]
        return self._method(
            "authorization_url",
            summary=summary,
            body=docs,
            keyword=params,
            returns=returns,
            target="_authorization_url",
            call_keyword=args,
        )

    def _refresh_needs(self) -> str:
        """What the authorization request adds so that the provider issues a refresh token,
        in words ("the offline_access scope"); empty when it adds nothing."""
        refresh = self.spec.refresh
        if refresh is None or not refresh.supported:
            return ""
        parts = []
        if refresh.requires_scopes:
            noun = "scope" if len(refresh.requires_scopes) == 1 else "scopes"
            parts.append(f"the {facts.listed(refresh.requires_scopes)} {noun}")
        if refresh.requires_params:
            sent = [f"{name}={value}" for name, value in refresh.requires_params.items()]
            noun = "parameter" if len(sent) == 1 else "parameters"
            parts.append(f"the {facts.listed(sent)} {noun}")
        return " and ".join(parts)

    def _typed_options(
        self,
        options: Mapping[str, AuthorizeOption],
        params: list[_Param],
        docs: list[str],
        entries: list[Node],
    ) -> None:
        """Append a keyword argument, its docstring line and its ``options`` dict entry for
        each typed option."""
        for name in sorted(options):
            option = options[name]
            ident = identifier(name)
            params.append(_Param(ident, self._option_type(option), Code(" | None = None")))
            docs.append(f"    {name}: {self._option_doc(name, option)}")
            entries.append(Pair(code("{}: ", literal(name)), Atom(ident)))

    def _option_type(self, option: AuthorizeOption) -> Node:
        if option.type == "enum":
            return Group(
                code("{}[", self.imports.use("Literal")),
                tuple(Atom(literal(value)) for value in option.values),
                Code("]"),
            )
        return Atom(Code(option.type))

    def _option_doc(self, name: str, option: AuthorizeOption) -> str:
        parts = [option.description.strip()] if option.description else []
        param = option.param or name
        if param != name:
            parts.append(f"Sent as {facts.q(param)}.")
        if option.type == "bool":
            parts.append(
                f"True sends {facts.q(option.true_value)}, False {facts.q(option.false_value)}."
            )
        parts.append("Default: not sent.")
        return " ".join(parts)

    def _fetch_token(self) -> Method:
        token = self._token_type()
        request = Atom(self.imports.use("AuthorizationRequest"))
        return self._method(
            "fetch_token",
            summary="Exchange the authorization code for a token (authorization_code grant).",
            body=[
                f"Endpoint: {self.spec.endpoints.token or 'from discovery'}",
                "",
                "Args:",
                "    authorization_response: The callback: its URL, query string or form body; "
                "state and errors are checked.",
                "    request: What authorization_url() returned; state, PKCE verifier and nonce "
                "are checked against it. Default: this client's last authorization request.",
                "    code: The authorization code itself, when the callback was read elsewhere.",
            ],
            positional=[self._str_param("authorization_response")],
            keyword=[
                _Param(identifier("request"), request, Code(" | None = None")),
                self._str_param("code"),
            ],
            returns=token,
            target="_fetch_token",
            per_call="timeout+extra",
            call_positional=[Atom(identifier("authorization_response"))],
            call_keyword=self._pass("request", "code"),
        )

    def _captured(self) -> Method:
        callback = Code(identifier(self.names["callback"]))
        return self._method(
            "captured",
            summary="Values the provider added to the last callback.",
            returns=callback,
            target="_captured",
            checked_by=self._shape_name("callback"),
        )

    def _refresh(self) -> Method:
        token = self._token_type()
        refresh = self.spec.refresh
        assert refresh is not None
        url = self.spec.endpoints.refresh or self.spec.endpoints.token or "from discovery"
        others = list(self.spec.token.response.other_tokens)
        body = [
            f"Endpoint: {url}",
            "Refresh tokens rotate: the old one stops working."
            if refresh.rotation == "rotating"
            else "A missing refresh_token in the answer keeps the old one.",
        ]
        keyword: list[_Param] = []
        if others:
            choices = Group(
                code("{}[", self.imports.use("Literal")),
                tuple(Atom(literal(name)) for name in others),
                Code("]"),
            )
            keyword.append(_Param(identifier("which"), choices, Code(" | None = None")))
            listed = ", ".join(repr(name) for name in others)
            body += [
                "",
                "Args:",
                f"    which: Refresh another token of the answer ({listed}) on its own.",
            ]
        return self._method(
            "refresh",
            summary="Trade the refresh token for a new token.",
            body=body,
            keyword=keyword,
            returns=token,
            target="_refresh",
            per_call="timeout+extra",
            call_keyword=self._pass("which") if others else (),
        )

    def _client_credentials(self) -> Method:
        token = self._token_type()
        return self._method(
            "client_credentials",
            summary="Get a token for the client itself (client_credentials grant).",
            body=[f"Endpoint: {self.spec.endpoints.token or 'from discovery'}"],
            keyword=self._scope_params(),
            returns=token,
            target="_client_credentials",
            per_call="timeout+extra",
            call_keyword=self._scope_args(),
        )

    def _scope_params(self) -> list[_Param]:
        if not self.spec.scopes.supported:
            return []
        return [_Param(identifier("scopes"), self._scopes_type(), Code(" | None = None"))]

    def _scope_args(self) -> list[tuple[str, Node]]:
        if not self.spec.scopes.supported:
            return [("scopes", Atom(Code("None")))]
        return self._pass("scopes")

    def _device_authorization(self) -> Method:
        device = Code(self.imports.use("DeviceAuthorization"))
        return self._method(
            "device_authorization",
            summary="Start the device flow: the code and URL to show the user (RFC 8628).",
            body=[
                f"Endpoint: {self.spec.endpoints.device or 'from discovery'}",
                "Then call poll_device_token() with the answer.",
            ],
            keyword=self._scope_params(),
            returns=device,
            target="_device_authorization",
            per_call="timeout+extra",
            call_keyword=self._scope_args(),
        )

    def _poll_device_token(self) -> Method:
        token = self._token_type()
        device = Code(self.imports.use("DeviceAuthorization"))
        event = code("{}.Event", self.imports.use("threading"))
        return self._method(
            "poll_device_token",
            summary="Wait until the user has approved the device, then return the token.",
            body=[
                "Polls at the interval the provider asks for (slowing down when told to) "
                "until the code expires.",
                "",
                "Args:",
                "    device: What device_authorization() returned.",
                "    cancel: Set it to stop polling.",
            ],
            positional=[_Param(identifier("device"), Atom(device))],
            keyword=[_Param(identifier("cancel"), Atom(event), Code(" | None = None"))],
            returns=token,
            target="_poll_device_token",
            per_call="timeout+extra",
            call_positional=[Atom(identifier("device"))],
            call_keyword=self._pass("cancel"),
        )

    def _exchange(self, name: str) -> Method:
        token = self._token_type()
        exchange = self.spec.exchanges[name]
        body = [exchange.description.strip(), ""] if exchange.description else []
        body += [
            f"Endpoint: {exchange.url or self.spec.endpoints.token or 'from discovery'}",
            f"grant_type: {exchange.grant_type}",
            "",
            "Args:",
            "    token: The access token to exchange; default: the current one.",
        ]
        return self._method(
            f"exchange_{name}",
            summary=f"Run the {name} token exchange.",
            body=body,
            keyword=[self._str_param("token")],
            returns=token,
            target="_exchange",
            per_call="timeout+extra",
            call_positional=[Atom(literal(name))],
            call_keyword=self._pass("token"),
        )

    def _revoke(self) -> Method:
        endpoint = f"Endpoint: {self.spec.endpoints.revoke}"
        if self.oauth1:
            return self._method(
                "revoke",
                summary="Invalidate the access token.",
                body=[endpoint],
                returns=Code("None"),
                target="_revoke",
                statement=True,
                per_call="timeout+extra",
            )
        return self._method(
            "revoke",
            summary="Revoke a token (RFC 7009).",
            body=[
                endpoint,
                "",
                "Args:",
                "    token: Default: the refresh token, else the access token.",
                "    token_type_hint: 'access_token' or 'refresh_token'.",
            ],
            keyword=[self._str_param("token"), self._str_param("token_type_hint")],
            returns=Code("None"),
            target="_revoke",
            call_keyword=self._pass("token", "token_type_hint"),
            statement=True,
            per_call="timeout+extra",
        )

    def _introspect(self) -> Method:
        any_type = self.imports.use("Any")
        return self._method(
            "introspect",
            summary="Ask the provider about a token (RFC 7662); the answer has ``active``.",
            body=[
                f"Endpoint: {self.spec.endpoints.introspect}",
                "",
                "Args:",
                "    token: Default: the current access token.",
            ],
            keyword=[self._str_param("token")],
            returns=code("dict[str, {}]", any_type),
            target="_introspect",
            per_call="timeout+extra",
            call_keyword=self._pass("token"),
        )

    def _userinfo(self) -> Method:
        profile = Code(identifier(self.names["profile"]))
        userinfo = self.spec.userinfo
        assert userinfo is not None
        where = (
            "Read from the id_token claims."
            if userinfo.source == "id_token"
            else f"Endpoint: {self.spec.endpoints.userinfo or 'from discovery'}"
        )
        return self._method(
            "userinfo",
            summary="The signed-in user's profile.",
            body=[where],
            returns=profile,
            target="_userinfo",
            per_call="timeout",
            checked_by=self._shape_name("profile"),
        )

    # -- OAuth 1 -----------------------------------------------------------------------------------

    def _fetch_request_token(self) -> Method:
        request_token = Code(identifier(self.names["request_token"]))
        params: list[_Param] = []
        docs = [f"Endpoint: {self.spec.endpoints.request_token}"]
        entries: list[Node] = []
        options = self.spec.oauth1.request_token.options
        if options:
            docs += ["", "Args:"]
        self._typed_options(options, params, docs, entries)
        args = [("options", Group(Code("{"), tuple(entries), Code("}")))] if entries else []
        return self._method(
            "fetch_request_token",
            summary="Step 1: get temporary credentials (a request token).",
            body=docs,
            keyword=params,
            returns=request_token,
            target="_fetch_request_token",
            call_keyword=args,
            checked_by=self._shape_name("request_token"),
            per_call="timeout+extra",
        )

    def _fetch_access_token(self) -> Method:
        token = self._token_type()
        return self._method(
            "fetch_access_token",
            summary="Step 3: trade the authorized request token for an access token.",
            body=[
                f"Endpoint: {self.spec.endpoints.access_token}",
                "",
                "Args:",
                "    authorization_response: The callback URL or query string (checked).",
                "    verifier: The oauth_verifier, when the callback was read elsewhere.",
            ],
            keyword=[self._str_param("authorization_response"), self._str_param("verifier")],
            returns=token,
            target="_fetch_access_token",
            call_keyword=self._pass("authorization_response", "verifier"),
            per_call="timeout+extra",
        )


def _bind_exchange(builder: _Builder, name: str) -> _MethodFactory:
    def make() -> Method:
        return builder._exchange(name)

    return make


def comment_text(text: str) -> Code:
    """Text for a ``#`` comment: one line, every non-printable character escaped."""
    return Code(one_line(text))
