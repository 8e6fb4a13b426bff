"""The OAuth core: every flow written once, as values, for any transport to drive.

Nothing here imports ``requests`` or ``httpx``. A request is a :class:`~runtime.core.http.Call`
(method, URL, parameters and where they go, headers); an answer is read through the small
:class:`~runtime.core.http.Response` protocol that both ``requests.Response`` and
``httpx.Response`` satisfy. A flow is a generator that yields the calls it needs and receives
their answers (``response = yield call``), so the same flow runs under a synchronous driver
(:func:`~runtime.core.flow.run`) and an asynchronous one (:func:`~runtime.core.flow.run_async`).

* :mod:`runtime.core.http`: ``Call``, ``Response``, ``Wait``.
* :mod:`runtime.core.answers`: one reader for the answers of token-type endpoints (token,
  device authorization, revocation, introspection): decoding, error detection, typed errors.
* :mod:`runtime.core.flow`: the drivers and the token exchange flow.
* :mod:`runtime.core.polling`: the device flow's polling loop (RFC 8628).
* :mod:`runtime.core.callback`: the authorization response: parameters, state, code, issuer.
* :mod:`runtime.core.pkce`: PKCE verifiers and challenges (RFC 7636), state and nonce values.
* :mod:`runtime.core.token`: the token value, its expiry and the renewal decision.
"""
