"""Certificate credentials: what MSAL, azure-identity and mdekit send is accepted; bad
assertions get Entra's errors; tokens say appidacr "2"."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import msal
import pytest
from azure.identity import CertificateCredential
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from mdekit import Client
from mdekit.client.apps import create_app
from mdekit.client.graph import GraphClient
from mdekit.client.token_endpoint import request_token
from tests.support.certs import CertFiles, make_cert
from tests.support.emulators import DEFENDER_SCOPE, InProcess, Served

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> CertFiles:
    return make_cert(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="module")
def cert_app(server: Served, cert: CertFiles) -> dict[str, str]:
    with GraphClient(settings=server.settings()) as graph:
        created = create_app(
            graph,
            "cert app",
            ["Alert.Read.All"],
            grant_consent=True,
            secret=False,
            certificate_path=str(cert.pem_path),
        )
    assert created.client_secret is None
    assert created.certificate_thumbprint == cert.sha1_hex
    return {"client_id": created.client_id, "tenant_id": created.tenant_id}


@pytest.fixture
def trust(server: Served, monkeypatch: pytest.MonkeyPatch) -> Served:
    for name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE"):
        monkeypatch.setenv(name, server.bundle)
    return server


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def test_msal_with_a_thumbprint(trust: Served, cert: CertFiles, cert_app: dict[str, str]) -> None:
    app = msal.ConfidentialClientApplication(
        cert_app["client_id"],
        authority=f"{trust.url}/{cert_app['tenant_id']}",
        client_credential={"private_key": cert.key_pem.decode(), "thumbprint": cert.sha1_hex},
        instance_discovery=False,
    )
    result = app.acquire_token_for_client(scopes=[DEFENDER_SCOPE])
    assert "access_token" in result, result
    claims = _claims(result["access_token"])
    assert claims["appidacr"] == "2"
    assert claims["roles"] == ["Alert.Read.All"]


def test_msal_with_the_public_certificate(
    trust: Served, cert: CertFiles, cert_app: dict[str, str]
) -> None:
    app = msal.ConfidentialClientApplication(
        cert_app["client_id"],
        authority=f"{trust.url}/{cert_app['tenant_id']}",
        client_credential={
            "private_key": cert.key_pem.decode(),
            "public_certificate": cert.cert_pem.decode(),
        },
        instance_discovery=False,
    )
    result = app.acquire_token_for_client(scopes=[DEFENDER_SCOPE])
    assert _claims(result["access_token"])["appidacr"] == "2"


def test_azure_identity_certificate_credential_sync(
    trust: Served, cert: CertFiles, cert_app: dict[str, str]
) -> None:
    credential = CertificateCredential(
        cert_app["tenant_id"],
        cert_app["client_id"],
        certificate_path=str(cert.pem_path),
        authority=trust.url,
        disable_instance_discovery=True,
    )
    assert _claims(credential.get_token(DEFENDER_SCOPE).token)["appidacr"] == "2"


def test_azure_identity_certificate_credential_async(
    trust: Served, cert: CertFiles, cert_app: dict[str, str]
) -> None:
    script = (
        "import asyncio, sys\n"
        "from azure.identity.aio import CertificateCredential\n"
        "async def main():\n"
        "    async with CertificateCredential(sys.argv[1], sys.argv[2],"
        " certificate_path=sys.argv[3],"
        " authority=sys.argv[4]) as c:\n"
        f"        print((await c.get_token('{DEFENDER_SCOPE}')).token)\n"
        "asyncio.run(main())\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            cert_app["tenant_id"],
            cert_app["client_id"],
            str(cert.pem_path),
            trust.url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "SSL_CERT_FILE": trust.bundle},
    )
    assert result.returncode == 0, result.stderr
    assert _claims(result.stdout.strip())["appidacr"] == "2"


@pytest.mark.parametrize("kind", ["pem", "pfx"])
def test_mdekit_client_with_a_certificate(
    server: Served, cert: CertFiles, cert_app: dict[str, str], kind: str
) -> None:
    settings = server.settings(
        client_id=cert_app["client_id"],
        client_secret=None,
        certificate_path=str(cert.pem_path if kind == "pem" else cert.pfx_path),
        certificate_password=cert.pfx_password if kind == "pfx" else None,
    )
    with Client(settings=settings) as client:
        assert len(list(client.alerts.list(top=2))) == 2
        assert _claims(client.token())["appidacr"] == "2"


def test_mdekit_v1_token_with_a_certificate_assertion(
    server: Served, cert: CertFiles, cert_app: dict[str, str]
) -> None:
    settings = server.settings(
        client_id=cert_app["client_id"], client_secret=None, certificate_path=str(cert.pem_path)
    )
    body = request_token(settings, "v1")
    assert _claims(body["access_token"])["appidacr"] == "2"


# -- Entra's errors for bad assertions (in process) ------------------------------------------


@pytest.fixture
def cert_emu(emu: InProcess, cert: CertFiles) -> Iterator[dict[str, Any]]:
    """An app with `cert` registered, in a fresh in-process emulator."""
    graph = emu.token("https://graph.microsoft.com/.default")
    der = x509.load_pem_x509_certificate(cert.cert_pem).public_bytes(serialization.Encoding.DER)
    app = emu.api(
        "POST",
        "/v1.0/applications",
        graph,
        json={
            "displayName": "asserting app",
            "keyCredentials": [
                {
                    "type": "AsymmetricX509Cert",
                    "usage": "Verify",
                    "key": base64.b64encode(der).decode(),
                }
            ],
        },
    ).json()
    emu.api("POST", "/v1.0/servicePrincipals", graph, json={"appId": app["appId"]})
    return {"emu": emu, "client_id": app["appId"], "der": der}


def _assertion(
    cert: CertFiles,
    client_id: str,
    audience: str,
    *,
    alg: str = "PS256",
    key_pem: bytes | None = None,
    **overrides: Any,
) -> str:
    now = time.time()
    claims: dict[str, Any] = {
        "aud": audience,
        "iss": client_id,
        "sub": client_id,
        "jti": str(uuid.uuid4()),
        "nbf": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    der = x509.load_pem_x509_certificate(cert.cert_pem).public_bytes(serialization.Encoding.DER)
    if alg == "PS256":
        header = {"x5t#S256": base64.urlsafe_b64encode(hashlib.sha256(der).digest()).decode()}
    else:
        header = {"x5t": base64.urlsafe_b64encode(hashlib.sha1(der).digest()).decode()}
    key = serialization.load_pem_private_key(key_pem or cert.key_pem, None)
    return jwt.encode(
        {k: v for k, v in claims.items() if v is not None},
        key,  # type: ignore[arg-type]
        algorithm=alg,
        headers=header,
    )


def _post(setup: dict[str, Any], assertion: str) -> Any:
    emu: InProcess = setup["emu"]
    return emu.http.post(
        f"/{emu.dev.tenant_id}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": setup["client_id"],
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion,
            "scope": DEFENDER_SCOPE,
        },
    )


def _audience(setup: dict[str, Any]) -> str:
    emu: InProcess = setup["emu"]
    return f"https://emulator.test/{emu.dev.tenant_id}/oauth2/v2.0/token"


def test_quirky_but_valid_assertions_are_accepted(
    cert_emu: dict[str, Any], cert: CertFiles
) -> None:
    for alg in ("PS256", "RS256"):
        # float NumericDates, no nbf, padded thumbprints: what real clients send
        token = _assertion(
            cert,
            cert_emu["client_id"],
            _audience(cert_emu),
            alg=alg,
            nbf=None,
            exp=time.time() + 300.5,
        )
        response = _post(cert_emu, token)
        assert response.status_code == 200, response.text


ASSERTION_ERRORS = [
    ("unknown key", {"key": "other"}, 700027),
    ("bad signature", {"tamper": True}, 700027),
    ("expired", {"exp": time.time() - 3600}, 700024),
    ("not yet valid", {"nbf": time.time() + 3600, "exp": time.time() + 7200}, 700024),
    ("issuer is not the subject", {"iss": "someone-else"}, 50048),
    (
        "wrong audience",
        {"aud": "https://login.microsoftonline.com/common/oauth2/v2.0/token"},
        70002,
    ),
]


@pytest.mark.parametrize(
    ("case", "change", "code"), ASSERTION_ERRORS, ids=[c[0] for c in ASSERTION_ERRORS]
)
def test_bad_assertions_get_entras_errors(
    cert_emu: dict[str, Any],
    cert: CertFiles,
    tmp_path: Path,
    case: str,
    change: dict[str, Any],
    code: int,
) -> None:
    options = dict(change)
    signer = cert
    if options.pop("key", None):
        signer = make_cert(tmp_path, "other")
    tamper = options.pop("tamper", False)
    token = _assertion(signer, cert_emu["client_id"], _audience(cert_emu), **options)
    if tamper:
        head, payload, signature = token.split(".")
        flipped = "A" if signature[20] != "A" else "B"
        token = f"{head}.{payload}.{signature[:20]}{flipped}{signature[21:]}"
    response = _post(cert_emu, token)
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["error"] == "invalid_client"
    assert body["error_codes"] == [code]
