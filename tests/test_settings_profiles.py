"""Settings from arguments, profiles and the environment; the credential kinds; profiles that
never hold a secret (environment variable or keyring references); `mdekit config ...`."""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
import threading
from pathlib import Path

import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import (
    CertificateCredential,
    ClientSecretCredential,
    DefaultAzureCredential,
    ManagedIdentityCredential,
    WorkloadIdentityCredential,
)

from mdekit import Client
from mdekit.client import credentials
from mdekit.client.credentials import build_async_credential, build_credential, resolved_kind
from mdekit.client.errors import ConfigurationError
from mdekit.client.profiles import Config, config_path, load_config, save_config
from mdekit.client.settings import load_settings
from mdekit.client.token_endpoint import client_assertion, token_url
from tests.support.certs import make_cert
from tests.support.emulators import Served
from tests.test_cli import mdekit

TENANT = "11111111-2222-3333-4444-555555555555"
CLIENT = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mdekit" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# -- clouds and credential kinds ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["cloud", "cloud_name"])
def test_cloud_picks_login_api_and_graph_hosts(name: str) -> None:
    chosen = load_settings(**{name: "gcc-high"}, environ={})
    assert chosen.cloud.name == "gcc-high"
    assert chosen.authority == "https://login.microsoftonline.us"
    assert chosen.api_url == "https://api-gov.securitycenter.microsoft.us"
    assert chosen.graph_url == "https://graph.microsoft.us"
    assert chosen.defender_scope == "https://api-gov.securitycenter.microsoft.us/.default"
    eu = load_settings(environ={"MDE_CLOUD": "eu"})
    assert eu.api_url == "https://eu.api.security.microsoft.com"
    with pytest.raises(ConfigurationError, match="unknown cloud"):
        load_settings(cloud="mars", environ={})


def test_auto_picks_secret_then_certificate_then_workload_then_default(tmp_path: Path) -> None:
    base = {"AZURE_TENANT_ID": TENANT, "AZURE_CLIENT_ID": CLIENT}
    token_file = tmp_path / "token"
    token_file.write_text("x")
    cases = [
        ({"AZURE_CLIENT_SECRET": "s", "AZURE_CLIENT_CERTIFICATE_PATH": "c.pem"}, "secret"),
        ({"AZURE_CLIENT_CERTIFICATE_PATH": "c.pem"}, "certificate"),
        ({"AZURE_FEDERATED_TOKEN_FILE": str(token_file)}, "workload-identity"),
        ({}, "default"),
        ({"AZURE_CLIENT_SECRET": "s", "MDE_CREDENTIAL": "managed-identity"}, "managed-identity"),
    ]
    for extra, kind in cases:
        assert resolved_kind(load_settings(environ={**base, **extra})) == kind, extra
    with pytest.raises(ConfigurationError, match="unknown credential kind"):
        load_settings(credential_kind="magic", environ={})


def test_each_kind_builds_its_azure_identity_credential(tmp_path: Path) -> None:
    cert = make_cert(tmp_path)
    token_file = tmp_path / "token"
    token_file.write_text("federated")
    env = {"AZURE_TENANT_ID": TENANT, "AZURE_CLIENT_ID": CLIENT, "MDE_PROFILE": "none"}
    expected = [
        ({"client_secret": "s"}, ClientSecretCredential),
        ({"certificate_path": str(cert.pem_path)}, CertificateCredential),
        ({"federated_token_file": str(token_file)}, WorkloadIdentityCredential),
        ({"credential_kind": "managed-identity"}, ManagedIdentityCredential),
        ({"credential_kind": "default"}, DefaultAzureCredential),
    ]
    for arguments, kind in expected:
        built = build_credential(load_settings(environ=env, **arguments))
        assert isinstance(built, kind), arguments
    missing = load_settings(credential_kind="workload-identity", environ=env)
    with pytest.raises(ConfigurationError, match="AZURE_FEDERATED_TOKEN_FILE"):
        build_credential(missing)
    no_ids = load_settings(credential_kind="secret", client_secret="s", environ={})
    with pytest.raises(ConfigurationError, match="AZURE_TENANT_ID and AZURE_CLIENT_ID not set"):
        build_credential(no_ids)


async def _async_token(settings: object) -> str:
    credential = build_async_credential(settings)  # type: ignore[arg-type]
    try:
        token = await credential.get_token("https://api.securitycenter.microsoft.com/.default")
    finally:
        await credential.close()
    return token.token


def test_workload_identity_against_the_emulator(server: Served, tmp_path: Path) -> None:
    """The federated token file holds a client assertion the emulator accepts (signed with a
    certificate registered on the app), as AKS would mount a service-account token."""
    cert = make_cert(tmp_path, "workload")
    app = json.loads(
        mdekit(
            "app",
            "create",
            "--name",
            "workload-app",
            "-p",
            "Alert.Read.All",
            "--grant-consent",
            "--no-secret",
            "--certificate",
            str(cert.pem_path),
            "--output",
            "json",
            env=server.env(),
        ).stdout
    )
    signer = server.settings(client_id=app["client_id"], certificate_path=str(cert.pem_path))
    token_file = tmp_path / "federated-token"
    token_file.write_text(client_assertion(signer, token_url(signer, "v2")))
    settings = server.settings(
        client_id=app["client_id"],
        client_secret=None,
        federated_token_file=str(token_file),
        credential_kind="workload-identity",
    )
    with Client(settings=settings) as client:
        assert len(list(client.alerts.list(limit=2))) == 2


def test_default_credential_chain_against_the_emulator(server: Served) -> None:
    # DefaultAzureCredential reads AZURE_* itself (EnvironmentCredential comes first).
    saved = dict(os.environ)
    os.environ.update({k: v for k, v in server.env().items() if k.startswith("AZURE_")})
    try:
        with Client(settings=server.settings(credential_kind="default")) as client:
            assert [a.id for a in client.alerts.list(limit=1)]
    finally:
        os.environ.clear()
        os.environ.update(saved)


# -- profiles -----------------------------------------------------------------------------


def test_config_path_respects_xdg(tmp_path: Path) -> None:
    assert config_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "mdekit" / "config.toml"
    assert config_path({"HOME": "/home/x"}) == Path("/home/x/.config/mdekit/config.toml")


def test_precedence_arguments_named_profile_environment_current_profile(tmp_path: Path) -> None:
    write_config(
        tmp_path,
        'current = "cur"\n'
        '[profiles.cur]\ntenant_id = "from-current"\ncloud = "uk"\nclient_id = "cur-client"\n'
        '[profiles.named]\ntenant_id = "from-named"\nclient_secret_env = "NAMED_SECRET"\n',
    )
    env = {
        "XDG_CONFIG_HOME": str(tmp_path),
        "AZURE_TENANT_ID": "from-env",
        "AZURE_CLIENT_SECRET": "env-secret",
        "NAMED_SECRET": "named-secret",
    }
    current = load_settings(environ=env)
    assert current.tenant_id == "from-env", "the environment beats the current profile"
    assert current.cloud.name == "uk", "the current profile fills what the environment lacks"
    assert current.client_id == "cur-client"
    assert current.client_secret == "env-secret"
    named = load_settings(environ={**env, "MDE_PROFILE": "named"})
    assert named.tenant_id == "from-named", "a named profile beats the environment"
    assert named.client_secret == "named-secret"
    assert named.profile == "named"
    assert named.cloud.name == "global", "the current profile is not used with a named one"
    argument = load_settings(profile="named", tenant_id="from-argument", environ=env)
    assert argument.tenant_id == "from-argument"
    off = load_settings(environ={**env, "MDE_PROFILE": "none"})
    assert off.cloud.name == "global"
    assert off.profile is None


def test_credentials_come_whole_from_one_source(tmp_path: Path) -> None:
    cert = make_cert(tmp_path)
    write_config(
        tmp_path,
        '[profiles.certs]\ntenant_id = "t"\nclient_id = "c"\n'
        f'certificate_path = "{cert.pem_path}"\n',
    )
    env = {"XDG_CONFIG_HOME": str(tmp_path), "AZURE_CLIENT_SECRET": "stray-secret"}
    chosen = load_settings(profile="certs", environ=env)
    assert chosen.client_secret is None, "a stray secret is not paired with the profile's cert"
    assert resolved_kind(chosen) == "certificate"


def test_profiles_reference_secrets_and_never_hold_them(tmp_path: Path) -> None:
    write_config(
        tmp_path,
        '[profiles.kr]\ntenant_id = "t"\nclient_id = "c"\nclient_secret_keyring = "vault:prod"\n'
        '[profiles.envref]\ntenant_id = "t"\nclient_secret_env = "MISSING_VAR"\n'
        '[profiles.plain]\ntenant_id = "t"\nclient_secret = "oops"\n'
        '[profiles.typo]\ntenant_ld = "t"\n',
    )
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    asked: list[tuple[str, str]] = []

    def lookup(service: str, username: str) -> str | None:
        asked.append((service, username))
        return "from-the-keyring"

    kr = load_settings(profile="kr", environ=env, secret_lookup=lookup)
    assert kr.client_secret == "from-the-keyring"
    assert asked == [("vault", "prod")]
    assert "from-the-keyring" not in repr(kr)
    with pytest.raises(ConfigurationError, match="MISSING_VAR, which is not set"):
        load_settings(profile="envref", environ=env)
    with pytest.raises(ConfigurationError, match="never keeps the client secret"):
        load_settings(profile="plain", environ=env)
    with pytest.raises(ConfigurationError, match="unknown key 'tenant_ld'"):
        load_settings(profile="typo", environ=env)
    with pytest.raises(ConfigurationError, match="no profile 'nope'"):
        load_settings(profile="nope", environ=env)


def test_an_unused_secret_reference_is_not_fetched(tmp_path: Path) -> None:
    write_config(tmp_path, 'current = "kr"\n[profiles.kr]\nclient_secret_keyring = "prod"\n')

    def lookup(service: str, username: str) -> str | None:
        raise AssertionError("the keyring was asked although the environment has the secret")

    env = {"XDG_CONFIG_HOME": str(tmp_path), "AZURE_CLIENT_SECRET": "env-secret"}
    assert load_settings(environ=env, secret_lookup=lookup).client_secret == "env-secret"


def test_saved_config_round_trips_and_is_private(tmp_path: Path) -> None:
    path = tmp_path / "mdekit" / "config.toml"
    config = Config(current="a b", profiles={"a b": {"tenant_id": 'quote"d', "cloud": "eu"}})
    save_config(path, config)
    assert load_config(path) == config
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# -- the config commands -------------------------------------------------------------------


FAKE_KEYRING = '''
"""A stand-in for the keyring package: entries in a JSON file."""
import json, os
from pathlib import Path
FILE = Path(os.environ["FAKE_KEYRING_FILE"])
def get_password(service, username):
    data = json.loads(FILE.read_text()) if FILE.exists() else {}
    return data.get(service + "/" + username)
def set_password(service, username, password):
    data = json.loads(FILE.read_text()) if FILE.exists() else {}
    data[service + "/" + username] = password
    FILE.write_text(json.dumps(data))
'''


def test_config_commands_and_profiles_in_use(server: Served, tmp_path: Path) -> None:
    fake = tmp_path / "fake-keyring"
    fake.mkdir()
    (fake / "keyring.py").write_text(FAKE_KEYRING)
    secret = server.dev.client_secret
    where = {
        "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
        "PYTHONPATH": os.pathsep.join([str(fake), *sys.path]),
        "FAKE_KEYRING_FILE": str(tmp_path / "keyring.json"),
    }
    bare = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "MDE_"))}
    env = {**bare, **where}
    common = [
        f"tenant_id={server.dev.tenant_id}",
        f"client_id={server.dev.client_id}",
        f"api_url={server.url}",
        f"authority={server.url}",
        f"ca_bundle={server.bundle}",
    ]
    made = mdekit("config", "set", "byenv", *common, "client_secret_env=EMU_SECRET", env=env)
    assert made.returncode == 0, made.stderr
    stored = mdekit("config", "set", "bykeyring", *common, "--client-secret", env=env, stdin=secret)
    assert stored.returncode == 0, stored.stderr
    refused = mdekit("config", "set", "bad", f"client_secret={secret}", env=env)
    assert refused.returncode == 2
    assert "never keeps" in refused.stderr
    text = (tmp_path / "xdg" / "mdekit" / "config.toml").read_text()
    assert secret not in text
    assert 'client_secret_keyring = "bykeyring"' in text
    assert secret in (tmp_path / "keyring.json").read_text(), "the secret went to the keyring"

    listed = json.loads(mdekit("config", "list", "--json", env=env).stdout)
    assert [p["name"] for p in listed["profiles"]] == ["byenv", "bykeyring"]
    assert listed["current"] == "byenv", "the first profile becomes the current one"
    shown = mdekit("config", "show", "byenv", env=env)
    assert "from $EMU_SECRET (NOT set)" in shown.stdout

    unset = mdekit("alerts", "list", "-n", "1", "-o", "json", env=env)
    assert unset.returncode == 2
    assert "EMU_SECRET, which is not set" in unset.stderr
    with_var = mdekit("alerts", "list", "-n", "1", "-o", "json", env={**env, "EMU_SECRET": secret})
    assert with_var.returncode == 0, with_var.stderr
    assert len(json.loads(with_var.stdout)) == 1
    keyring = mdekit("--profile", "bykeyring", "alerts", "list", "-n", "2", "-o", "json", env=env)
    assert keyring.returncode == 0, keyring.stderr
    assert len(json.loads(keyring.stdout)) == 2
    assert mdekit("config", "use", "bykeyring", env=env).returncode == 0
    effective = json.loads(mdekit("config", "show", "--effective", "--json", env=env).stdout)
    assert effective["profile"] == "bykeyring"
    assert effective["client_secret"] == "<set>"
    assert effective["credential"] == "secret"
    assert secret not in json.dumps(effective)
    missing = mdekit("--profile", "ghost", "alerts", "list", env=env)
    assert missing.returncode == 2
    assert "no profile 'ghost'" in missing.stderr


def test_a_token_endpoint_that_never_answers_fails_instead_of_hanging(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """azure-core waits 300 s per try by default; mdekit's credentials give up as its
    timeouts say (shortened here) and report the time-out."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    taken: list[socket.socket] = []

    def accept_and_say_nothing() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            taken.append(connection)

    threading.Thread(target=accept_and_say_nothing, daemon=True).start()
    monkeypatch.setattr(credentials, "TOKEN_CONNECT_TIMEOUT", 0.3)
    monkeypatch.setattr(credentials, "TOKEN_READ_TIMEOUT", 0.3)
    port = listener.getsockname()[1]
    env = {
        "AZURE_TENANT_ID": TENANT,
        "AZURE_CLIENT_ID": CLIENT,
        "AZURE_CLIENT_SECRET": "s",
        "AZURE_AUTHORITY_HOST": f"https://127.0.0.1:{port}",
        "MDE_PROFILE": "none",
    }
    try:
        credential = build_credential(load_settings(environ=env))
        with pytest.raises(ClientAuthenticationError, match="timed out"):
            credential.get_token("https://api.securitycenter.microsoft.com/.default")
    finally:
        listener.close()
        for connection in taken:
            connection.close()
    assert taken, "the credential never reached the listener"
