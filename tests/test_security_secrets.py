"""Client secrets are shown once, at creation, and nowhere after: hashed at rest, never in
the emulator's output, its state directory, its error bodies, its journal or its console
pages, never in what `mdekit -vv` logs.

The emulator runs as its own process (`mdekit emulator serve`) so that everything it writes
is captured; two secrets are made after it started (one by `mdekit app create`, one by Graph
`addPassword`), used right and wrong in every way a client might, and then everything is
searched for them. The dev app's secret is not among them: `serve` prints it and keeps it
in `dev-app.json` (mode 0600) by design."""

from __future__ import annotations

import base64
import json
import os
import signal
import sqlite3
import ssl
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest

from tests.support.emulators import GRAPH_SCOPE

STARTUP = 90.0


def _mdekit(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mdekit", *args],
        env={**os.environ, "COLUMNS": "200", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@dataclass
class Emulator:
    state: Path
    env: dict[str, str]
    admin_key: str
    process: subprocess.Popen[str]
    written: list[str] = field(default_factory=list)
    """Everything read back after the secrets were made (outputs, pages, bodies)."""

    def http(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.env["MDE_API_URL"],
            verify=ssl.create_default_context(cafile=self.env["SSL_CERT_FILE"]),
            timeout=60,
        )

    def cli(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        result = _mdekit(*args, env={**self.env, **env})
        self.written += [result.stdout, result.stderr]
        return result


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    root = tmp_path_factory.mktemp("secrets")
    state = root / "state"
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "mdekit", "emulator", "serve", "--port", "0"),
            *("--state-dir", str(state), "--machines", "6", "--alerts", "6", "--no-quotas"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        deadline = time.monotonic() + STARTUP
        while not (state / "endpoint.json").exists():
            assert process.poll() is None, "the emulator exited"
            assert time.monotonic() < deadline, "the emulator did not start"
            time.sleep(0.1)
        exports = _mdekit("emulator", "env", "--state-dir", str(state), env={}).stdout
        env = {
            key: value.strip("'")
            for key, value in (
                line.removeprefix("export ").split("=", 1) for line in exports.splitlines()
            )
        }
        yield Emulator(state, env, (state / "admin-key").read_text().strip(), process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=30)


def _graph_token(emu: Emulator, client: httpx.Client) -> str:
    response = client.post(
        f"/{emu.env['AZURE_TENANT_ID']}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": emu.env["AZURE_CLIENT_ID"],
            "client_secret": emu.env["AZURE_CLIENT_SECRET"],
            "scope": GRAPH_SCOPE,
        },
    )
    token: str = response.json()["access_token"]
    return token


def _forms(secret: str) -> list[str]:
    """The secret as it could appear: as is, URL-encoded, JSON-escaped, base64 of Basic."""
    return sorted(
        {
            secret,
            quote(secret, safe=""),
            quote_plus(secret),
            json.dumps(secret)[1:-1],
            base64.b64encode(f"x:{secret}".encode()).decode()[4:-4],
        }
    )


def test_secrets_are_never_written_anywhere_after_creation(emulator: Emulator) -> None:
    emu = emulator
    created = _mdekit(
        "app", "create", "--name", "leak hunt", "--permission", "Alert.Read.All",
        "--grant-consent", "--output", "json", env=emu.env,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    app = json.loads(created.stdout)
    first = app["client_secret"]
    admin = {"X-Emulator-Admin-Key": emu.admin_key}
    with emu.http() as client:
        graph = {"Authorization": f"Bearer {_graph_token(emu, client)}"}
        found = client.get(
            "/v1.0/applications",
            params={"$filter": f"appId eq '{app['client_id']}'"},
            headers=graph,
        ).json()["value"][0]
        added = client.post(
            f"/v1.0/applications/{found['id']}/addPassword",
            json={"passwordCredential": {"displayName": "second"}},
            headers=graph,
        )
        assert added.status_code == 200, added.text
        second = added.json()["secretText"]
        mine = {"AZURE_CLIENT_ID": app["client_id"]}

        # Used right, used wrong, with the request log on.
        assert (
            emu.cli(
                "-vv", "alerts", "list", "-n", "2", AZURE_CLIENT_SECRET=first, **mine
            ).returncode
            == 0
        )
        assert emu.cli("-vv", "token", "get", AZURE_CLIENT_SECRET=second, **mine).returncode == 0
        assert emu.cli("-vv", "machines", "list", AZURE_CLIENT_SECRET=first, **mine).returncode == 4
        assert (
            emu.cli("-vv", "alerts", "list", AZURE_CLIENT_SECRET=first + "x", **mine).returncode
            == 3
        )
        assert emu.cli("-vv", "alerts", "list", AZURE_CLIENT_SECRET=second).returncode == 3
        assert (
            emu.cli(
                "-v", "token", "get", "--v1", AZURE_CLIENT_SECRET=second[:-1], **mine
            ).returncode
            == 3
        )
        tenant = emu.env["AZURE_TENANT_ID"]
        for form in (
            {"grant_type": "client_credentials", "client_id": app["client_id"],
             "client_secret": first, "scope": "https://nowhere.example/.default"},
            {"grant_type": "password", "client_id": app["client_id"], "client_secret": first},
            {"grant_type": "client_credentials", "client_id": "nope", "client_secret": second},
            {"grant_type": "client_credentials", "client_id": app["client_id"],
             "client_secret": [first, second], "scope": GRAPH_SCOPE},
        ):  # fmt: skip
            response = client.post(f"/{tenant}/oauth2/v2.0/token", data=form)
            assert response.status_code < 500, response.text
            emu.written.append(response.text)
        basic = client.post(
            f"/{tenant}/oauth2/token",
            data={"grant_type": "client_credentials", "resource": GRAPH_SCOPE[:-9]},
            auth=("00000000-0000-0000-0000-000000000000", first),
        )
        emu.written.append(basic.text)
        # What the admin can see afterwards: the journal, the console's pages.
        for path in (
            "/_emulator/journal?limit=5000",
            "/_console/journal.json",
            "/_console/journal",
            "/_console/apps",
            f"/_console/apps/{app['client_id']}",
            f"/_console/apps/{app['client_id']}/credentials",
            f"/_console/apps/{app['client_id']}/permissions",
        ):
            page = client.get(path, headers=admin)
            assert page.status_code == 200, (path, page.status_code)
            emu.written.append(page.text)
        listing = client.get(f"/v1.0/applications/{found['id']}", headers=graph)
        emu.written.append(listing.text)
        assert listing.json()["passwordCredentials"], "the secrets are listed (by hint)"

    emu.process.send_signal(signal.SIGINT)
    stdout, stderr = emu.process.communicate(timeout=30)
    emu.written += [stdout, stderr]
    files = [p for p in emu.state.rglob("*") if p.is_file()]
    assert any(p.name == "emulator.db" for p in files)
    secrets = {"created by the CLI": first, "added through Graph": second}
    for name, secret in secrets.items():
        for shown in _forms(secret):
            for text in emu.written:
                assert shown not in text, f"the secret {name} was shown after creation"
            for path in files:
                assert shown.encode() not in path.read_bytes(), f"{name} is in {path}"
    _assert_hashed_at_rest(emu.state / "emulator.db", list(secrets.values()), app["client_id"])
    print(
        f"secrets: 2 secrets x {len(_forms(first))} encodings searched in {len(emu.written)} "
        f"outputs and {len(files)} state files"
    )


def _assert_hashed_at_rest(database: Path, secrets: Iterable[str], client_id: str) -> None:
    with sqlite3.connect(database) as conn:
        tables = [
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                text = repr(row)
                for secret in secrets:
                    assert secret not in text, f"a secret in table {table}"
        stored = conn.execute(
            "SELECT p.hint, p.salt, p.secret_hash FROM password_credentials p "
            "JOIN applications a ON a.object_id = p.application_object_id WHERE a.app_id = ?",
            (client_id,),
        ).fetchall()
    assert len(stored) == 2
    for hint, salt, secret_hash in stored:
        assert len(hint) <= 3
        assert salt
        assert len(secret_hash) == 64
        assert set(secret_hash) <= set("0123456789abcdef")
