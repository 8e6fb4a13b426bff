"""Semantic validation: rules that span several keys of an already structured spec.

Runs after ``convert`` even when it found errors, so one run reports everything; rules whose
subject failed structurally stay silent to avoid follow-up noise.
"""

from __future__ import annotations

from collections.abc import Callable

from runtime.spec import ProviderSpec

from ..convert import Conversion
from ..errors import Reporter
from . import authorization, names, structure, tokens, variables
from .context import CheckContext

RULES: tuple[Callable[[CheckContext], None], ...] = (
    structure.check_protocol_keys,
    structure.check_names,
    structure.check_endpoints,
    variables.check_variables,
    variables.check_environments,
    variables.check_templates,
    authorization.check_scopes,
    authorization.check_authorize,
    authorization.check_request_token_options,
    authorization.check_callback,
    tokens.check_token,
    tokens.check_client_assertion,
    tokens.check_refresh_and_exchanges,
    tokens.check_after_token,
    structure.check_revocation,
    tokens.check_api,
    structure.check_userinfo,
    names.check_class_names,
    names.check_argument_names,
)


def check_spec(spec: ProviderSpec, conversion: Conversion, reporter: Reporter) -> None:
    context = CheckContext(spec, conversion, reporter)
    for rule in RULES:
        rule(context)
