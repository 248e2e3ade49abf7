"""National clouds and regions: where to sign in, where the Defender API and Graph live,
and which resource to ask a token for. Microsoft's table (defender-endpoint gov.md and the
regional hosts of the API docs), as data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Cloud:
    name: str
    login_url: str
    api_url: str
    graph_url: str
    defender_resource: str
    """The App ID URI tokens for the Defender API are requested for (`<resource>/.default`)."""
    description: str
    portal_url: str = "https://security.microsoft.com"

    @property
    def defender_scope(self) -> str:
        return f"{self.defender_resource}/.default"

    @property
    def graph_scope(self) -> str:
        return f"{self.graph_url}/.default"


_GLOBAL_LOGIN = "https://login.microsoftonline.com"
_GOV_LOGIN = "https://login.microsoftonline.us"
_GLOBAL_GRAPH = "https://graph.microsoft.com"
_GLOBAL_RESOURCE = "https://api.securitycenter.microsoft.com"
_GCC_API = "https://api-gcc.securitycenter.microsoft.us"
_GOV_API = "https://api-gov.securitycenter.microsoft.us"


def _commercial(name: str, host_prefix: str, description: str) -> Cloud:
    api = f"https://{host_prefix}api.security.microsoft.com"
    return Cloud(name, _GLOBAL_LOGIN, api, _GLOBAL_GRAPH, _GLOBAL_RESOURCE, description)


# gov.md ("API" section) gives the sign-in and API hosts of GCC, GCC High and DoD. That the
# token resource is the gov API host itself is not stated there; scripts in public use ask
# for `https://api-gcc.securitycenter.microsoft.us/.default` (GCC) and name
# `https://api-gov.securitycenter.microsoft.us` as the GCC High audience. GCC tenants use the
# commercial sign-in and Graph; GCC High and DoD have their own.
CLOUDS: Mapping[str, Cloud] = MappingProxyType(
    {
        cloud.name: cloud
        for cloud in (
            _commercial("global", "", "Commercial, nearest region"),
            _commercial("us", "us.", "Commercial, United States"),
            _commercial("eu", "eu.", "Commercial, Europe"),
            _commercial("uk", "uk.", "Commercial, United Kingdom"),
            _commercial("au", "au.", "Commercial, Australia"),
            Cloud(
                "gcc",
                _GLOBAL_LOGIN,
                _GCC_API,
                _GLOBAL_GRAPH,
                _GCC_API,
                "US Government Community Cloud",
            ),
            Cloud(
                "gcc-high",
                _GOV_LOGIN,
                _GOV_API,
                "https://graph.microsoft.us",
                _GOV_API,
                "US Government GCC High",
                "https://security.microsoft.us",
            ),
            Cloud(
                "dod",
                _GOV_LOGIN,
                _GOV_API,
                "https://dod-graph.microsoft.us",
                _GOV_API,
                "US Department of Defense",
                "https://security.apps.mil",
            ),
        )
    }
)
"""Keyed by the names `MDE_CLOUD` accepts (read-only)."""

DEFENDER_API_HOSTS = frozenset(
    {
        # current names, nearest region first (the newest docs add swa., ina. and aea.)
        "api.security.microsoft.com",
        "us.api.security.microsoft.com",
        "eu.api.security.microsoft.com",
        "uk.api.security.microsoft.com",
        "au.api.security.microsoft.com",
        "swa.api.security.microsoft.com",
        "ina.api.security.microsoft.com",
        "aea.api.security.microsoft.com",
        # older names still used by most reference pages
        "api.securitycenter.microsoft.com",
        "api-us.securitycenter.microsoft.com",
        "api-eu.securitycenter.microsoft.com",
        "api-uk.securitycenter.microsoft.com",
        "api-au.securitycenter.microsoft.com",
        "api.securitycenter.windows.com",
        # US Government
        "api-gcc.securitycenter.microsoft.us",
        "api-gov.securitycenter.microsoft.us",
    }
)
"""Hosts the real Defender for Endpoint API answers on (defender-api.md §1.1)."""

MICROSOFT_LOGIN_HOSTS = frozenset(
    {
        "login.microsoftonline.com",
        "login.microsoft.com",
        "login.windows.net",
        "sts.windows.net",
        "login.microsoftonline.us",
        "login-us.microsoftonline.com",
        "login.chinacloudapi.cn",
        "login.partner.microsoftonline.cn",
    }
)
"""Authority hosts for which instance discovery is meaningful; for any other host
(an emulator, a proxy) clients must switch it off or they call out to Microsoft."""


def cloud(name: str) -> Cloud:
    """The cloud called `name`; KeyError naming the valid choices otherwise."""
    try:
        return CLOUDS[name.lower()]
    except KeyError:
        raise KeyError(f"unknown cloud {name!r}; choose one of: {', '.join(CLOUDS)}") from None
