"""Helpers shared by the test suites: reading what was sent (``http``), fixed clocks
(``clocks``), OAuth 1 signature checks and header parsing (``oauth1``), PKCE (``pkce``),
answers as plain values for stepping core flows (``answers``)."""
