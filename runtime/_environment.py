"""What a session takes from the environment, read once per session instead of per request.

With ``trust_env`` (the default), requests scans ``os.environ`` on every request: the proxy
variables (``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``...) twice, then the CA bundle variables
(``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``); on a loopback call that is a fifth of the
client's time. :class:`EnvironmentOnceSession` reads them at its first request and keeps them,
as an httpx client does: whether a host bypasses the proxy is decided once per host from those
values, with requests' own rules. A program that changes these variables afterwards calls
``reload_environment()`` (or creates a new session); ``trust_env = False`` reads nothing.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import urllib.request
from collections.abc import Callable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit
from urllib.request import getproxies, getproxies_environment

import requests
from requests.auth import _basic_auth_str
from requests.sessions import merge_setting
from requests.utils import address_in_network, get_auth_from_url, is_ipv4_address, is_valid_cidr

if TYPE_CHECKING:
    from requests.sessions import _Settings

# Where urllib falls back to the system's proxy settings (macOS, the Windows registry) when no
# proxy variable is set; elsewhere the variables are all there is.
_SYSTEM_PROXY_SETTINGS = sys.platform == "darwin" or os.name == "nt"
# Bypass decisions kept per snapshot: a session talking to many hosts starts over past this.
_MAX_HOSTS = 256
# urllib's matching of a host against the ``no`` entry of a proxies mapping (untyped there).
_bypass_by_mapping: Callable[[str, Mapping[str, str]], object] = (
    urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
)


def _variable(name: str) -> str | None:
    """requests' reading: the lower-case variable first, then the upper-case one."""
    return os.environ.get(name) or os.environ.get(name.upper())


def _listed(hostname: str, port: int | None, no_proxy: str) -> bool:
    """Whether ``no_proxy`` (comma-separated hosts, domains, IPs or CIDR ranges) names the host,
    by requests' matching rules."""
    entries = [entry for entry in no_proxy.replace(" ", "").split(",") if entry]
    if is_ipv4_address(hostname):
        return any(
            address_in_network(hostname, entry) if is_valid_cidr(entry) else hostname == entry
            for entry in entries
        )
    with_port = f"{hostname}:{port}" if port else hostname
    for entry in entries:
        entry = entry.lstrip(".")
        if entry in (hostname, with_port):
            return True
        if hostname.endswith("." + entry) or with_port.endswith("." + entry):
            return True
    return False


class EnvironmentSnapshot:
    """The proxy and CA bundle variables as they were when the snapshot was taken."""

    __slots__ = ("_bypass", "_environ_proxies", "ca_bundle", "no_proxy", "proxies")

    def __init__(self) -> None:
        self._environ_proxies: dict[str, str] = getproxies_environment()
        # getproxies() is the same scan except where system settings stand in for variables.
        self.proxies: dict[str, str] = (
            getproxies() if _SYSTEM_PROXY_SETTINGS else self._environ_proxies
        )
        self.no_proxy = _variable("no_proxy")
        self.ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        self._bypass: dict[tuple[str | None, int | None, str | None], bool] = {}

    def proxies_for(self, url: str, no_proxy: str | None = None) -> dict[str, str]:
        """The environment's proxies for a request to ``url`` (none when it bypasses them);
        ``no_proxy`` is a request's own ``proxies["no_proxy"]``."""
        return {} if self.bypasses_proxies(url, no_proxy) else self.proxies

    def bypasses_proxies(self, url: str, no_proxy: str | None = None) -> bool:
        """requests' ``should_bypass_proxies`` on the snapshot, decided once per host."""
        parts = urlsplit(url)
        key = (parts.hostname, parts.port, no_proxy)
        found = self._bypass.get(key)
        if found is None:
            found = self._decide(parts.hostname, parts.port, no_proxy)
            if len(self._bypass) >= _MAX_HOSTS:
                self._bypass.clear()
            self._bypass[key] = found
        return found

    def _decide(self, hostname: str | None, port: int | None, no_proxy: str | None) -> bool:
        if hostname is None:  # a URL without a host (file:///) never goes through a proxy
            return True
        listed = self.no_proxy if no_proxy is None else no_proxy
        if listed and _listed(hostname, port, listed):
            return True
        proxies = dict(self._environ_proxies)
        if no_proxy is not None:
            proxies["no"] = no_proxy
        try:
            if proxies or not _SYSTEM_PROXY_SETTINGS:
                return bool(_bypass_by_mapping(hostname, proxies))
            # No variables on macOS or Windows: the system's settings decide, as in requests.
            return bool(urllib.request.proxy_bypass(hostname))
        except (TypeError, socket.gaierror):
            return False


class EnvironmentOnceSession(requests.Session):
    """A ``requests.Session`` that reads the proxy and CA bundle variables once.

    The variables are read at the session's first request (not at creation: a session that
    is created and never used costs nothing) and kept until :meth:`reload_environment`.
    Explicit ``proxies=`` / ``verify=`` arguments and the session's ``proxies`` and ``verify``
    attributes still win over the environment as in requests; with ``trust_env = False``
    nothing is read from it.
    """

    # Class-level default: no instance attribute until the first request reads the variables.
    _environment_snapshot: EnvironmentSnapshot | None = None
    _snapshot_lock = threading.Lock()

    def reload_environment(self) -> None:
        """Read the proxy and CA bundle variables again at the next request (after a program
        changed ``HTTPS_PROXY``, ``NO_PROXY``, ``REQUESTS_CA_BUNDLE``... in ``os.environ``)."""
        self._environment_snapshot = None

    def environment(self) -> EnvironmentSnapshot:
        """The variables this session uses, read now if it has not read them yet."""
        snapshot = self._environment_snapshot
        if snapshot is None:
            with self._snapshot_lock:  # threads sharing a new session read them once
                snapshot = self._environment_snapshot
                if snapshot is None:
                    snapshot = self._environment_snapshot = EnvironmentSnapshot()
        return snapshot

    def merge_environment_settings(
        self,
        url: str | bytes | None,
        proxies: MutableMapping[str, str] | None,
        stream: bool | None,
        verify: bool | str | None,
        cert: Any,
    ) -> _Settings:
        """requests' merge of request arguments, environment and session settings, with the
        environment from the session's snapshot."""
        if not self.trust_env:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        snapshot = self.environment()
        if proxies is not None:
            text_url = url.decode() if isinstance(url, bytes) else url or ""
            for scheme, proxy in snapshot.proxies_for(text_url, proxies.get("no_proxy")).items():
                proxies.setdefault(scheme, proxy)
        if verify is True or verify is None:
            verify = snapshot.ca_bundle or verify
        merge = cast(Any, merge_setting)  # untyped in types-requests
        return cast(
            "_Settings",
            {
                "proxies": merge(proxies, self.proxies),
                "stream": merge(stream, self.stream),
                "verify": merge(verify, self.verify),
                "cert": merge(cert, self.cert),
            },
        )

    def rebuild_proxies(
        self, prepared_request: requests.PreparedRequest, proxies: Any
    ) -> dict[str, str]:
        """On a redirect: the proxies for the new URL (requests' rules, the session's
        snapshot), and a ``Proxy-Authorization`` header only for a plain-HTTP proxy."""
        if not self.trust_env:
            return cast("dict[str, str]", super().rebuild_proxies(prepared_request, proxies))  # type: ignore[no-untyped-call]
        url = prepared_request.url or ""
        scheme = urlsplit(url).scheme
        new_proxies = dict(proxies or {})
        environ_proxies = self.environment().proxies_for(url, new_proxies.get("no_proxy"))
        proxy = environ_proxies.get(scheme, environ_proxies.get("all"))
        if proxy:
            new_proxies.setdefault(scheme, proxy)
        headers = prepared_request.headers
        headers.pop("Proxy-Authorization", None)
        username, password = (
            get_auth_from_url(new_proxies[scheme]) if scheme in new_proxies else (None, None)
        )
        if not scheme.startswith("https") and username and password:
            headers["Proxy-Authorization"] = _basic_auth_str(username, password)
        return new_proxies
