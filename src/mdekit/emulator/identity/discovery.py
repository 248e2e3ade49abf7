"""OpenID Connect discovery documents, key sets and MSAL's instance discovery, built from the
origin the client used so that every URL they name stays on this emulator."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

_CLAIMS = [
    "sub",
    "iss",
    "cloud_instance_name",
    "cloud_instance_host_name",
    "cloud_graph_host_name",
    "msgraph_host",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "acr",
    "nonce",
    "preferred_username",
    "name",
    "tid",
    "ver",
    "at_hash",
    "c_hash",
    "email",
]


def _common_fields(origin: str) -> dict[str, Any]:
    host = urlparse(origin).hostname or "localhost"
    return {
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "request_uri_parameter_supported": False,
        "http_logout_supported": True,
        "frontchannel_logout_supported": True,
        "claims_supported": _CLAIMS,
        "tenant_region_scope": "NA",
        "cloud_instance_name": host,
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
        "rbac_url": "https://pas.windows.net",
    }


def openid_configuration_v2(origin: str, tenant: str, issuer_tenant: str) -> dict[str, Any]:
    """`tenant` names the URLs (GUID, or the alias used); `issuer_tenant` is the GUID or the
    literal `{tenantid}` template that Entra uses for common/organizations."""
    base = f"{origin}/{tenant}"
    return {
        "token_endpoint": f"{base}/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": [
            "client_secret_post",
            "private_key_jwt",
            "client_secret_basic",
        ],
        "jwks_uri": f"{base}/discovery/v2.0/keys",
        "issuer": f"https://login.microsoftonline.com/{issuer_tenant}/v2.0",
        "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
        "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
        "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
        "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
        "kerberos_endpoint": f"{base}/kerberos",
        **_common_fields(origin),
    }


def openid_configuration_v1(origin: str, tenant: str, issuer_tenant: str) -> dict[str, Any]:
    base = f"{origin}/{tenant}"
    return {
        "token_endpoint": f"{base}/oauth2/token",
        "token_endpoint_auth_methods_supported": [
            "client_secret_post",
            "private_key_jwt",
            "client_secret_basic",
        ],
        "jwks_uri": f"{origin}/common/discovery/keys",
        "issuer": f"https://sts.windows.net/{issuer_tenant}/",
        "microsoft_multi_refresh_token": True,
        "authorization_endpoint": f"{base}/oauth2/authorize",
        "device_authorization_endpoint": f"{base}/oauth2/devicecode",
        "end_session_endpoint": f"{base}/oauth2/logout",
        "check_session_iframe": f"{base}/oauth2/checksession",
        "userinfo_endpoint": f"{base}/openid/userinfo",
        "kerberos_endpoint": f"{base}/kerberos",
        **_common_fields(origin),
    }


def instance_metadata(origin: str, authorization_endpoint: str | None) -> dict[str, Any]:
    """What `/common/discovery/instance` answers: the tenant's discovery URL on this origin
    and this host as its own only alias."""
    tenant = "common"
    if authorization_endpoint:
        segments = [s for s in urlparse(authorization_endpoint).path.split("/") if s]
        if segments:
            tenant = segments[0]
    host = urlparse(origin).netloc
    return {
        "tenant_discovery_endpoint": f"{origin}/{tenant}/v2.0/.well-known/openid-configuration",
        "api-version": "1.1",
        "metadata": [
            {"preferred_network": host, "preferred_cache": host, "aliases": [host]},
        ],
    }
