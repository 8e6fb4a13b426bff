"""Compliance fixes: hooks that adapt ``OAuth2Session`` to providers that bend OAuth 2.

Same names and behaviour as ``requests_oauthlib.compliance_fixes``; each
``xxx_compliance_fix(session)`` registers its hooks on the session and returns it::

    session = facebook_compliance_fix(OAuth2Session(client_id, redirect_uri=...))

Hooks of one type run in registration order, so fixes can be stacked. Compared with
requests-oauthlib, ``douban_compliance_fix`` really puts the token in the query,
``linkedin_compliance_fix`` exists again, and a body a fix cannot decode is passed on untouched
instead of raising ``JSONDecodeError``.
"""

from .douban import douban_compliance_fix
from .ebay import ebay_compliance_fix
from .facebook import facebook_compliance_fix
from .fitbit import fitbit_compliance_fix
from .instagram import instagram_compliance_fix
from .linkedin import linkedin_compliance_fix
from .mailchimp import mailchimp_compliance_fix
from .plentymarkets import plentymarkets_compliance_fix
from .slack import slack_compliance_fix
from .weibo import weibo_compliance_fix

__all__ = [
    "douban_compliance_fix",
    "ebay_compliance_fix",
    "facebook_compliance_fix",
    "fitbit_compliance_fix",
    "instagram_compliance_fix",
    "linkedin_compliance_fix",
    "mailchimp_compliance_fix",
    "plentymarkets_compliance_fix",
    "slack_compliance_fix",
    "weibo_compliance_fix",
]
