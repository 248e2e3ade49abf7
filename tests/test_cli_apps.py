"""`mdekit app ...`, `mdekit token check` and the emulator's admin commands, as a user runs them."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest

from tests.support.certs import make_cert
from tests.support.emulators import Served, served
from tests.test_cli import mdekit


@pytest.fixture(scope="module")
def env(server: Served) -> dict[str, str]:
    return server.env()


def _create(env: dict[str, str], *args: str) -> dict[str, str]:
    result = mdekit("app", "create", *args, "--output", "json", env=env)
    assert result.returncode == 0, result.stderr
    created: dict[str, str] = json.loads(result.stdout)
    return created


def _as(env: dict[str, str], created: dict[str, str], secret: str | None = None) -> dict[str, str]:
    return {
        **env,
        "AZURE_CLIENT_ID": created["client_id"],
        "AZURE_CLIENT_SECRET": secret or created["client_secret"],
    }


def test_permissions_and_consent_lifecycle(env: dict[str, str]) -> None:
    created = _create(env, "--name", "lifecycle", "-p", "Alert.Read.All")
    client_id = created["client_id"]
    app_env = _as(env, created)
    # Asked for, not consented: the token has no roles and alerts are forbidden.
    assert mdekit("alerts", "list", env=app_env).returncode == 4
    assert mdekit("app", "consent", "grant", client_id, env=env).returncode == 0
    assert mdekit("alerts", "list", "--top", "1", env=app_env).returncode == 0

    check = mdekit("token", "check", "--for", "alerts.update", env=app_env)
    assert check.returncode == 1
    assert "Alert.ReadWrite.All" in check.stdout
    assert f"mdekit app permission add {client_id} Alert.ReadWrite.All" in check.stdout

    added = mdekit(
        "app", "permission", "add", client_id, "Alert.ReadWrite.All", "Machine.Isolate", env=env
    )
    assert added.returncode == 0, added.stderr
    mdekit("app", "consent", "grant", client_id, env=env)
    check = mdekit(
        "token",
        "check",
        "--for",
        "alerts.update",
        "--for",
        "POST /api/machines/{id}/isolate",
        "--json",
        env=app_env,
    )
    assert check.returncode == 0, check.stdout
    assert json.loads(check.stdout)["ok"] is True

    shown = json.loads(mdekit("app", "show", client_id, env=env).stdout)
    assert set(shown["permissions"]) == {"Alert.Read.All", "Alert.ReadWrite.All", "Machine.Isolate"}
    assert shown["secrets"][0]["hint"] == created["client_secret"][:3]
    assert created["client_secret"] not in json.dumps(shown)

    revoked = mdekit("app", "consent", "revoke", client_id, "-p", "Machine.Isolate", env=env)
    assert revoked.returncode == 0
    token = mdekit("token", "get", env=app_env).stdout.strip()
    roles = jwt.decode(token, options={"verify_signature": False})["roles"]
    assert "Machine.Isolate" not in roles
    assert "Alert.ReadWrite.All" in roles

    listed = mdekit("app", "list", "-o", "json", env=env)
    assert client_id in {a["client_id"] for a in json.loads(listed.stdout)}
    assert mdekit("app", "delete", client_id, env=env).returncode == 0
    assert mdekit("app", "show", client_id, env=env).returncode == 5


def test_secret_rotation_without_downtime(env: dict[str, str]) -> None:
    created = _create(env, "--name", "rotating", "-p", "Alert.Read.All", "--grant-consent")
    client_id = created["client_id"]
    new = json.loads(
        mdekit(
            "app", "secret", "add", client_id, "--expires", "90d", "--output", "json", env=env
        ).stdout
    )
    assert set(new) >= {"secret_id", "client_secret", "end_date"}
    both = json.loads(mdekit("app", "secret", "list", client_id, "-o", "json", env=env).stdout)
    assert len(both) == 2
    assert all(new["client_secret"] not in json.dumps(s) for s in both)
    # Both secrets work while the clients switch over.
    assert mdekit("token", "get", env=_as(env, created)).returncode == 0
    assert mdekit("token", "get", env=_as(env, created, new["client_secret"])).returncode == 0
    old_id = next(s["secret_id"] for s in both if s["secret_id"] != new["secret_id"])
    assert mdekit("app", "secret", "remove", client_id, old_id, env=env).returncode == 0
    old = mdekit("token", "get", env=_as(env, created))
    assert old.returncode == 3
    assert "AADSTS7000215" in old.stderr
    assert mdekit("token", "get", env=_as(env, created, new["client_secret"])).returncode == 0


def test_certificates_by_cli(env: dict[str, str], tmp_path: Path) -> None:
    cert = make_cert(tmp_path)
    created = _create(
        env,
        "--name",
        "cert by cli",
        "-p",
        "Alert.Read.All",
        "--grant-consent",
        "--certificate",
        str(cert.pem_path),
    )
    assert created["client_secret"] is None
    cert_env = {
        **env,
        "AZURE_CLIENT_ID": created["client_id"],
        "AZURE_CLIENT_CERTIFICATE_PATH": str(cert.pem_path),
    }
    cert_env.pop("AZURE_CLIENT_SECRET")
    listed = mdekit("alerts", "list", "--top", "1", "-o", "json", env=cert_env)
    assert listed.returncode == 0, listed.stderr
    certs = json.loads(
        mdekit("app", "certificate", "list", created["client_id"], "-o", "json", env=env).stdout
    )
    assert certs[0]["thumbprint"] == cert.sha1_hex
    second = make_cert(tmp_path, "second")
    added = json.loads(
        mdekit(
            "app",
            "certificate",
            "add",
            created["client_id"],
            str(second.pem_path),
            "--output",
            "json",
            env=env,
        ).stdout
    )
    assert added["thumbprint"] == second.sha1_hex
    removed = mdekit(
        "app", "certificate", "remove", created["client_id"], certs[0]["key_id"], env=env
    )
    assert removed.returncode == 0
    denied = mdekit("token", "get", env=cert_env)
    assert denied.returncode == 3
    assert "AADSTS700027" in denied.stderr


def test_consent_url(env: dict[str, str]) -> None:
    legacy = mdekit(
        "app", "consent-url", "--client-id", "11111111-2222-3333-4444-555555555555", env=env
    ).stdout.strip()
    assert legacy == (
        f"{env['AZURE_AUTHORITY_HOST']}/common/oauth2/authorize?prompt=consent&"
        "client_id=11111111-2222-3333-4444-555555555555&response_type=code&sso_reload=true"
    )
    v2 = mdekit(
        "app",
        "consent-url",
        "--client-id",
        "11111111-2222-3333-4444-555555555555",
        "--tenant",
        "contoso.onmicrosoft.com",
        env=env,
    ).stdout.strip()
    assert "/contoso.onmicrosoft.com/v2.0/adminconsent?client_id=" in v2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--for", "alerts.updat"], "did you mean alerts.update"),
        (["--for", "GET /api/nothing/here"], "no documented endpoint"),
        (["--require", "Alerts.Read.All"], "did you mean Alert.Read.All"),
    ],
)
def test_token_check_input_errors(env: dict[str, str], args: list[str], message: str) -> None:
    result = mdekit("token", "check", *args, env=env)
    assert result.returncode == 2
    assert message in result.stderr


def test_token_check_with_a_given_token(env: dict[str, str]) -> None:
    token = mdekit("token", "get", env=env).stdout.strip()
    ok = mdekit(
        "token",
        "check",
        "--for",
        "machines.isolate",
        "--require",
        "Alert.Read.All",
        "--token",
        "-",
        stdin=token,
        env=env,
    )
    assert ok.returncode == 0, ok.stdout


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[Served]:
    with served(tmp_path / "own") as running:
        yield running


def test_multi_tenant_partner_flow_by_cli(own_server: Served) -> None:
    env = own_server.env()
    state = str(own_server.running.config.state_dir)
    tenant = json.loads(
        mdekit(
            "emulator", "tenant", "add", "Northwind", "--output", "json", "--state-dir", state
        ).stdout
    )
    listed = json.loads(
        mdekit("emulator", "tenant", "list", "-o", "json", "--state-dir", state).stdout
    )
    assert tenant["id"] in {t["id"] for t in listed}
    created = _create(
        env, "--name", "partner app", "--multi-tenant", "-p", "Alert.Read.All", "--grant-consent"
    )
    customer_env = {**_as(env, created), "AZURE_TENANT_ID": tenant["id"]}
    before = mdekit("alerts", "list", env=customer_env)
    assert before.returncode == 3
    assert "AADSTS700016" in before.stderr
    granted = mdekit(
        "app", "consent", "grant", created["client_id"], "--tenant", tenant["id"], env=env
    )
    assert granted.returncode == 0, granted.stderr
    after = mdekit("token", "get", env=customer_env)
    claims = jwt.decode(after.stdout.strip(), options={"verify_signature": False})
    assert claims["tid"] == tenant["id"]
    assert claims["roles"] == ["Alert.Read.All"]


def test_rotate_keys_clock_and_lifetime_by_cli(own_server: Served) -> None:
    env = own_server.env()
    state = str(own_server.running.config.state_dir)
    token = mdekit("token", "get", env=env).stdout.strip()
    rotated = mdekit("emulator", "rotate-keys", "--state-dir", state)
    assert rotated.returncode == 0, rotated.stderr
    assert mdekit("token", "decode", "--verify", token, env=env).returncode == 0
    assert mdekit("emulator", "token-lifetime", "600", "--state-dir", state).returncode == 0
    short = jwt.decode(
        mdekit("token", "get", env=env).stdout.strip(), options={"verify_signature": False}
    )
    assert short["exp"] - short["iat"] == 900
    advanced = mdekit("emulator", "clock", "advance", "2h", "--state-dir", state)
    assert advanced.returncode == 0
    assert "offset 7200" in advanced.stdout
    stale = httpx.get(
        f"{own_server.url}/api/alerts?$top=1",
        headers={"Authorization": f"Bearer {token}"},
        verify=ssl.create_default_context(cafile=own_server.bundle),
    )
    assert stale.status_code == 401, "two hours later the old token has expired"
    assert (
        "not a duration"
        in mdekit("emulator", "clock", "advance", "soon", "--state-dir", state).stderr
    )


def test_expired_secret_is_7000222(own_server: Served) -> None:
    env = own_server.env()
    state = str(own_server.running.config.state_dir)
    created = _create(env, "--name", "short-lived", "--grant-consent", "-p", "Alert.Read.All")
    added = json.loads(
        mdekit(
            "app",
            "secret",
            "add",
            created["client_id"],
            "--expires",
            "1h",
            "--output",
            "json",
            env=env,
        ).stdout
    )
    assert mdekit("token", "get", env=_as(env, created, added["client_secret"])).returncode == 0
    mdekit("emulator", "clock", "advance", "2h", "--state-dir", state)
    result = mdekit("token", "get", env=_as(env, created, added["client_secret"]))
    assert result.returncode == 3
    assert "AADSTS7000222" in result.stderr
    assert "hint: the client secret has expired" in result.stderr
