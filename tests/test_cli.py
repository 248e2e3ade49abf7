"""The `mdekit` command as a user runs it: subprocesses against an emulator on TLS."""

from __future__ import annotations

import faulthandler
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.support.emulators import Served


def mdekit(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    # PYTHONFAULTHANDLER: a command that hangs is sent SIGABRT and prints every thread's
    # stack, so the failure says where it stood.
    full_env = {**os.environ, "COLUMNS": "200", "PYTHONFAULTHANDLER": "1", **(env or {})}
    command = [sys.executable, "-m", "mdekit", *args]
    with subprocess.Popen(
        command,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=full_env,
        text=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            stdout, stderr = process.communicate(timeout=30)
            pytest.fail(
                f"`mdekit {' '.join(args)}` did not finish in {timeout:.0f} s; its threads:\n"
                f"{stderr[-12000:]}\nstdout: {stdout[-2000:]}\n"
                f"this process's threads (a served emulator runs here):\n{_own_threads()}"
            )
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _own_threads() -> str:
    with tempfile.TemporaryFile("w+") as dump:
        faulthandler.dump_traceback(dump, all_threads=True)
        dump.seek(0)
        return dump.read()[-12000:]


@pytest.fixture(scope="module")
def env(server: Served) -> dict[str, str]:
    return server.env()


def test_emulator_env_prints_exports_that_work_in_a_shell(server: Served) -> None:
    state_dir = str(server.running.config.state_dir)
    result = mdekit("emulator", "env", "--state-dir", state_dir)
    assert result.returncode == 0, result.stderr
    names = [line.split("=", 1)[0].removeprefix("export ") for line in result.stdout.splitlines()]
    for name in (
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_AUTHORITY_HOST",
        "MDE_API_URL",
        "REQUESTS_CA_BUNDLE",
        "SSL_CERT_FILE",
        "CURL_CA_BUNDLE",
    ):
        assert name in names
    script = (
        f'eval "$({sys.executable} -m mdekit emulator env --state-dir {state_dir})" && '
        'curl -sS -X POST "$AZURE_AUTHORITY_HOST/$AZURE_TENANT_ID/oauth2/v2.0/token" '
        '--data-urlencode "client_id=$AZURE_CLIENT_ID" '
        '--data-urlencode "client_secret=$AZURE_CLIENT_SECRET" '
        "-d grant_type=client_credentials "
        "-d scope=https://api.securitycenter.microsoft.com/.default"
    )
    shell = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert "access_token" in json.loads(shell.stdout)


def test_emulator_env_without_a_running_emulator_says_what_to_do(tmp_path: Path) -> None:
    result = mdekit("emulator", "env", "--state-dir", str(tmp_path))
    assert result.returncode == 1
    assert "no emulator is running" in result.stderr
    assert "mdekit emulator serve" in result.stderr
    assert "Traceback" not in result.stderr


def test_token_get_and_decode(env: dict[str, str], server: Served) -> None:
    token = mdekit("token", "get", env=env)
    assert token.returncode == 0, token.stderr
    assert token.stdout.count(".") == 2
    decoded = mdekit("token", "decode", "-", "--json", env=env, stdin=token.stdout)
    assert decoded.returncode == 0, decoded.stderr
    summary = json.loads(decoded.stdout)["summary"]
    assert summary["tenant_id"] == server.dev.tenant_id
    assert "Alert.Read.All" in summary["roles"]
    assert summary["api"] == "WindowsDefenderATP"
    text = mdekit("token", "decode", token.stdout.strip(), env=env)
    assert "Alert.Read.All" in text.stdout
    assert "application permissions granted" in text.stdout


def test_token_get_v1_json_has_string_fields(env: dict[str, str]) -> None:
    result = mdekit("token", "get", "--v1", "--json", env=env)
    body = json.loads(result.stdout)
    assert body["resource"] == "https://api.securitycenter.microsoft.com"
    assert isinstance(body["expires_on"], str)


def test_token_decode_verify(env: dict[str, str]) -> None:
    token = mdekit("token", "get", env=env).stdout.strip()
    good = mdekit("token", "decode", "--verify", token, env=env)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "valid" in good.stdout
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    bad = mdekit("token", "decode", "--verify", tampered, env=env)
    assert bad.returncode == 1
    assert "signature" in bad.stdout + bad.stderr


def test_alerts_list_formats(env: dict[str, str]) -> None:
    as_json = json.loads(mdekit("alerts", "list", "--format", "json", "--all", env=env).stdout)
    assert len(as_json) == 60
    ndjson = mdekit("alerts", "list", "-o", "ndjson", "--top", "5", env=env).stdout.splitlines()
    assert len(ndjson) == 5
    assert all(json.loads(line)["id"] for line in ndjson)
    csv_lines = mdekit("alerts", "list", "-o", "csv", "--top", "3", env=env).stdout.splitlines()
    assert csv_lines[0].startswith("id,")
    assert len(csv_lines) == 4
    table = mdekit("alerts", "list", "--top", "3", env=env).stdout
    assert "severity" in table


def test_alerts_list_filter_and_get(env: dict[str, str]) -> None:
    high = json.loads(
        mdekit("alerts", "list", "-f", "severity eq 'High'", "-o", "json", env=env).stdout
    )
    assert high
    assert all(a["severity"] == "High" for a in high)
    one = json.loads(mdekit("alerts", "get", high[0]["id"], env=env).stdout)
    assert one["id"] == high[0]["id"]


def test_bad_filter_is_one_line_and_exit_1(env: dict[str, str]) -> None:
    result = mdekit("alerts", "list", "-f", "severity eqq 'High'", env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("error: 400 ODataError")
    assert "Traceback" not in result.stderr


def test_unknown_alert_exits_5(env: dict[str, str]) -> None:
    result = mdekit("alerts", "get", "da000_1", env=env)
    assert result.returncode == 5
    assert "404" in result.stderr


def test_wrong_secret_is_one_clear_line_exit_3_no_secret(env: dict[str, str]) -> None:
    result = mdekit(
        "alerts", "list", env={**env, "AZURE_CLIENT_SECRET": "Sup3r~wrong-secret-value"}
    )
    assert result.returncode == 3
    assert result.stderr.startswith("error: AADSTS7000215: Invalid client secret provided.")
    assert "hint:" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "Sup3r~wrong-secret-value" not in result.stderr + result.stdout


def test_app_create_json_then_use_the_new_app(env: dict[str, str]) -> None:
    result = mdekit(
        "app",
        "create",
        "--name",
        "cli-made",
        "--permission",
        "Alert.Read.All",
        "--grant-consent",
        "--output",
        "json",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    for key in ("tenant_id", "client_id", "client_secret"):
        assert created[key]
    assert created["consented"] is True
    new_env = {
        **env,
        "AZURE_CLIENT_ID": created["client_id"],
        "AZURE_CLIENT_SECRET": created["client_secret"],
    }
    alerts = mdekit("alerts", "list", "--top", "2", "-o", "json", env=new_env)
    assert alerts.returncode == 0, alerts.stderr
    assert len(json.loads(alerts.stdout)) == 2
    machines = mdekit("machines", "list", env=new_env)
    assert machines.returncode == 4
    assert "Machine.Read.All" in machines.stderr
    assert "mdekit app permission add" in machines.stderr


def test_a_permission_typo_gets_a_suggestion(env: dict[str, str]) -> None:
    result = mdekit("app", "create", "--name", "typo", "-p", "Alerts.Read.All", env=env)
    assert result.returncode == 2
    assert "did you mean Alert.Read.All?" in result.stderr


def test_serve_runs_until_interrupted(tmp_path: Path) -> None:
    state = tmp_path / "state"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mdekit",
            "emulator",
            "serve",
            "--port",
            "0",
            "--state-dir",
            str(state),
            "--events",
            "5000",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        deadline = time.monotonic() + 60
        while not (state / "endpoint.json").exists():
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the emulator did not start"
            time.sleep(0.1)
        env_out = mdekit("emulator", "env", "--state-dir", str(state))
        assert env_out.returncode == 0, env_out.stderr
        exports = dict(
            line.removeprefix("export ").split("=", 1) for line in env_out.stdout.splitlines()
        )
        client_env = {k: v.strip("'") for k, v in exports.items()}
        token = mdekit("token", "get", env=client_env)
        assert token.returncode == 0, token.stderr
        # --events sets the size of the hunting tables (alert storylines come on top).
        hunt = mdekit(
            "hunt",
            "union DeviceProcessEvents, DeviceNetworkEvents, DeviceFileEvents,"
            " DeviceRegistryEvents, DeviceLogonEvents, DeviceImageLoadEvents, DeviceEvents"
            " | count",
            "-o",
            "json",
            env={**client_env, "MDE_PACING": "off", "MDE_PROFILE": "none"},
        )
        assert hunt.returncode == 0, hunt.stderr
        assert 4_000 <= json.loads(hunt.stdout)[0]["Count"] <= 10_000
    finally:
        process.send_signal(signal.SIGINT)
        stdout, _ = process.communicate(timeout=30)
    assert "listening on https://127.0.0.1:" in stdout
    assert "dev client id" in stdout
    assert not (state / "endpoint.json").exists()
    assert oct((state / "dev-app.json").stat().st_mode & 0o777) == "0o600"


def test_demo_runs_the_guide_end_to_end() -> None:
    result = mdekit("demo", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    for text in (
        "Register an application",
        "Alert.Read.All",
        "Grant admin consent",
        "v1 answers with strings",
        "roles contains Alert.Read.All",
        "403 Forbidden",
        "what to do",
    ):
        assert text in result.stdout
