"""Unmodified third-party clients get tokens from the emulator over TLS and call the API
with them: MSAL, azure-identity (sync and async), curl with the guide's v2 form, and
urllib with the docs' v1 form."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
import urllib.parse
import urllib.request

import httpx
import msal
import pytest
from azure.identity import ClientSecretCredential

from tests.support.emulators import DEFENDER_SCOPE, Served


@pytest.fixture
def trust(server: Served, monkeypatch: pytest.MonkeyPatch) -> Served:
    """What `eval "$(mdekit emulator env)"` does for the CA: every client trusts the bundle."""
    for name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE"):
        monkeypatch.setenv(name, server.bundle)
    return server


def _alerts_with(server: Served, token: str) -> list[dict[str, object]]:
    response = httpx.get(
        f"{server.url}/api/alerts?$top=3",
        verify=ssl.create_default_context(cafile=server.bundle),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    value: list[dict[str, object]] = response.json()["value"]
    return value


def test_msal_confidential_client(trust: Served) -> None:
    app = msal.ConfidentialClientApplication(
        trust.dev.client_id,
        authority=f"{trust.url}/{trust.dev.tenant_id}",
        client_credential=trust.dev.client_secret,
        instance_discovery=False,
    )
    result = app.acquire_token_for_client(scopes=[DEFENDER_SCOPE])
    assert "access_token" in result, result
    assert result["token_source"] == "identity_provider"
    again = app.acquire_token_for_client(scopes=[DEFENDER_SCOPE])
    assert again["token_source"] == "cache"
    assert len(_alerts_with(trust, result["access_token"])) == 3


def test_msal_reports_a_wrong_secret(trust: Served) -> None:
    app = msal.ConfidentialClientApplication(
        trust.dev.client_id,
        authority=f"{trust.url}/{trust.dev.tenant_id}",
        client_credential="wrong",
        instance_discovery=False,
    )
    result = app.acquire_token_for_client(scopes=[DEFENDER_SCOPE])
    assert result["error"] == "invalid_client"
    assert 7000215 in result["error_codes"]


def test_azure_identity_sync(trust: Served) -> None:
    credential = ClientSecretCredential(
        trust.dev.tenant_id,
        trust.dev.client_id,
        trust.dev.client_secret,
        authority=trust.url,
        disable_instance_discovery=True,
    )
    token = credential.get_token(DEFENDER_SCOPE)
    assert token.expires_on > 0
    assert len(_alerts_with(trust, token.token)) == 3


def test_azure_identity_async(trust: Served) -> None:
    # aiohttp builds its default TLS context when it is imported, from SSL_CERT_FILE as it
    # was then; so, like a user's program, this runs in a fresh process with the variable set.
    script = (
        "import asyncio, sys\n"
        "from azure.identity.aio import ClientSecretCredential\n"
        "async def main():\n"
        "    async with ClientSecretCredential(*sys.argv[1:4], authority=sys.argv[4]) as c:\n"
        f"        print((await c.get_token('{DEFENDER_SCOPE}')).token)\n"
        "asyncio.run(main())\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            trust.dev.tenant_id,
            trust.dev.client_id,
            trust.dev.client_secret,
            trust.url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "SSL_CERT_FILE": trust.bundle},
    )
    assert result.returncode == 0, result.stderr
    assert len(_alerts_with(trust, result.stdout.strip())) == 3


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_with_the_guides_v2_form(trust: Served) -> None:
    # The guide's curl sample: v2 endpoint, windowsatpservice scope, form fields.
    result = subprocess.run(
        [
            "curl",
            "-sS",
            "-X",
            "POST",
            f"{trust.url}/{trust.dev.tenant_id}/oauth2/v2.0/token",
            "-H",
            "Content-Type: application/x-www-form-urlencoded",
            "-d",
            f"client_id={trust.dev.client_id}",
            "-d",
            "scope=https://securitycenter.onmicrosoft.com/windowsatpservice/.default",
            "-d",
            f"client_secret={urllib.parse.quote(trust.dev.client_secret)}",
            "-d",
            "grant_type=client_credentials",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    token = json.loads(result.stdout)["access_token"]
    assert len(_alerts_with(trust, token)) == 3


def test_urllib_with_the_docs_v1_form(trust: Served) -> None:
    # The docs' Python sample: urllib, v1 endpoint, resource= (here trusting the bundle).
    body = urllib.parse.urlencode(
        {
            "resource": "https://api.securitycenter.microsoft.com",
            "client_id": trust.dev.client_id,
            "client_secret": trust.dev.client_secret,
            "grant_type": "client_credentials",
        }
    ).encode("utf-8")
    context = ssl.create_default_context(cafile=trust.bundle)
    request = urllib.request.Request(f"{trust.url}/{trust.dev.tenant_id}/oauth2/token", body)
    with urllib.request.urlopen(request, context=context, timeout=30) as response:
        token = json.loads(response.read())["access_token"]
    api = urllib.request.Request(
        f"{trust.url}/api/alerts?$top=3", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(api, context=context, timeout=30) as response:
        assert len(json.loads(response.read())["value"]) == 3
