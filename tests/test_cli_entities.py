"""The entity command groups as a user runs them (subprocesses against a served emulator of
their own, since they write): consistent verbs, formats, downloads through short-lived
links, exit codes, and the request log of -v / -vv with tokens and secrets redacted."""

from __future__ import annotations

import gzip
import json
import ssl
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mdekit.client.logs import REDACTED, redact
from tests.support.emulators import Served, served
from tests.test_cli import mdekit


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(tmp_path_factory.mktemp("cli-entities"), quotas=False, machines=30) as running:
        admin = httpx.Client(
            base_url=running.url,
            verify=ssl.create_default_context(cafile=running.bundle),
            headers={"X-Emulator-Admin-Key": running.running.emulator.admin_key},
        )
        with admin:
            admin.put("/_emulator/actions", json={"mode": "instant"}).raise_for_status()
        yield running


@pytest.fixture(scope="module")
def env(own: Served) -> dict[str, str]:
    return {**own.env(), "MDE_PACING": "off", "MDE_PROFILE": "none"}


def run_json(env: dict[str, str], *args: str) -> object:
    result = mdekit(*args, "-o", "json", env=env)
    assert result.returncode == 0, (args, result.stderr)
    return json.loads(result.stdout)


def ids(env: dict[str, str], *args: str) -> list[str]:
    rows = run_json(env, *args)
    assert isinstance(rows, list)
    return [str(r["id"]) for r in rows]


@pytest.fixture(scope="module")
def windows(env: dict[str, str]) -> list[str]:
    flt = "healthStatus eq 'Active' and startswith(osPlatform,'Windows')"
    return ids(env, "machines", "list", "-f", flt, "-n", "6")


def test_alert_verbs(env: dict[str, str]) -> None:
    first, second = ids(env, "alerts", "list", "-f", "status eq 'New'", "-n", "2")
    updated = run_json(
        env,
        "alerts",
        "update",
        first,
        "--status",
        "InProgress",
        "-c",
        "looking",
        "--assigned-to",
        "soc@contoso.com",
    )
    assert isinstance(updated, dict)
    assert updated["status"] == "InProgress"
    assert updated["assignedTo"] == "soc@contoso.com"
    batch = mdekit("alerts", "batch-update", first, second, "--status", "Resolved", env=env)
    assert batch.returncode == 0, batch.stderr
    assert "updated 2 alert(s)" in batch.stdout
    got = run_json(env, "alerts", "get", second)
    assert isinstance(got, dict)
    assert got["status"] == "Resolved"
    nothing = mdekit("alerts", "update", first, env=env)
    assert nothing.returncode == 2
    assert "nothing to change" in nothing.stderr
    machine = run_json(env, "alerts", "related", first, "--kind", "machine")
    assert isinstance(machine, dict)
    assert machine["id"]
    files = mdekit("alerts", "related", first, "-k", "files", "-o", "csv", env=env)
    assert files.returncode == 0
    assert files.stdout.startswith("sha1,") or files.stdout == ""


def test_machine_verbs(env: dict[str, str], windows: list[str]) -> None:
    machine = windows[0]
    tagged = mdekit("machines", "tag", machine, windows[1], "--tag", "cli-test", env=env)
    assert tagged.returncode == 0, tagged.stderr
    found = ids(env, "machines", "find-by-tag", "cli-test")
    assert set(found) == {machine, windows[1]}
    assert mdekit("machines", "untag", windows[1], "-t", "cli-test", env=env).returncode == 0
    assert ids(env, "machines", "find-by-tag", "cli-te", "--starts-with") == [machine]
    valued = run_json(env, "machines", "set-value", machine, "High")
    assert isinstance(valued, list)
    assert valued[0]["deviceValue"] == "High"
    software = run_json(env, "machines", "software", machine)
    assert isinstance(software, list)
    assert software
    assert all(r["id"] and "vendor" in r for r in software)
    alerts = mdekit("machines", "alerts", machine, "--all", "-o", "ndjson", env=env)
    assert alerts.returncode == 0
    assert all(json.loads(line)["machineId"] == machine for line in alerts.stdout.splitlines())
    detail = run_json(env, "machines", "get", machine)
    assert isinstance(detail, dict)
    ip = detail["lastIpAddress"]
    near = ids(env, "machines", "find-by-ip", ip, "--at", detail["lastSeen"])
    assert machine in near


def test_actions_package_and_live_response_result(
    env: dict[str, str], own: Served, windows: list[str], tmp_path: Path
) -> None:
    started = mdekit(
        "machines",
        "collect-package",
        windows[2],
        "-c",
        "cli package",
        "--wait",
        "--poll-seconds",
        "0.05",
        "-o",
        "json",
        env=env,
    )
    assert started.returncode == 0, started.stderr
    action_id = json.loads(started.stdout)[0]["action_id"]
    listed = ids(env, "actions", "list", "-f", f"machineId eq '{windows[2]}'")
    assert action_id in listed
    shown = run_json(env, "actions", "get", action_id)
    assert isinstance(shown, dict)
    assert shown["type"] == "CollectInvestigationPackage"
    package = tmp_path / "package.zip"
    got = mdekit("actions", "package", action_id, "--out", str(package), env=env)
    assert got.returncode == 0, got.stderr
    assert zipfile.is_zipfile(package)
    from mdekit import Client

    with Client(settings=own.settings()) as client:
        command = {"type": "GetFile", "params": [{"key": "Path", "value": "C:\\Temp\\cli.log"}]}
        live = client.machine_actions.run_live_response(windows[3], "cli result", [command])
    result = tmp_path / "result.bin"
    fetched = mdekit("actions", "result", live.id, "0", "--out", str(result), env=env)
    assert fetched.returncode == 0, fetched.stderr
    assert b"cli.log" in result.read_bytes()
    missing = mdekit("actions", "result", live.id, "7", "--out", str(result), env=env)
    assert missing.returncode == 5
    finished = mdekit("actions", "cancel", action_id, "-c", "too late", env=env)
    assert finished.returncode == 1
    assert "cancel" in finished.stderr


def test_indicator_verbs(env: dict[str, str], tmp_path: Path) -> None:
    made = run_json(
        env,
        "indicators",
        "submit",
        "--value",
        "evil.example.net",
        "--type",
        "DomainName",
        "--action",
        "Block",
        "--title",
        "cli C2",
        "--description",
        "from the CLI test",
        "--severity",
        "High",
    )
    assert isinstance(made, dict)
    assert made["indicatorValue"] == "evil.example.net"
    again = run_json(env, "indicators", "get", "evil.example.net")
    assert isinstance(again, dict)
    assert again["id"] == made["id"]
    iocs = tmp_path / "iocs.csv"
    iocs.write_text(
        "indicatorValue,indicatorType,action,title,description,severity,generateAlert\n"
        "203.0.113.66,IpAddress,Block,bad ip,cli import,Medium,true\n"
        "203.0.113.67,IpAddress,Block,bad ip 2,cli import,Low,true\n"
    )
    imported = run_json(env, "indicators", "import", str(iocs))
    assert isinstance(imported, list)
    assert [r["isFailed"] for r in imported] == [False, False]
    listed = run_json(env, "indicators", "list", "-f", "indicatorType eq 'IpAddress'", "--all")
    assert isinstance(listed, list)
    by_value = {r["indicatorValue"]: str(r["id"]) for r in listed}
    both = [by_value["203.0.113.66"], by_value["203.0.113.67"]]
    assert mdekit("indicators", "batch-delete", *both, env=env).returncode == 0
    assert mdekit("indicators", "delete", str(made["id"]), env=env).returncode == 0
    gone = mdekit("indicators", "get", "evil.example.net", env=env)
    assert gone.returncode == 5


def test_library_and_scans(env: dict[str, str], tmp_path: Path) -> None:
    script = tmp_path / "cli-test.ps1"
    script.write_text("Write-Output 'from the cli test'\n")
    up = run_json(env, "library", "upload", str(script), "--description", "cli", "--override")
    assert isinstance(up, dict)
    assert up["fileName"] == "cli-test.ps1"
    assert "cli-test.ps1" in mdekit("library", "list", "-o", "csv", env=env).stdout
    assert mdekit("library", "delete", "cli-test.ps1", env=env).returncode == 0
    assert "cli-test.ps1" not in mdekit("library", "list", "-o", "csv", env=env).stdout
    definitions = ids(env, "scans", "list")
    assert definitions
    history = run_json(env, "scans", "history", "--definition", definitions[0])
    assert isinstance(history, list)
    assert all(h["ScanDefinitionIds"] == definitions[0] for h in history)
    assert mdekit("scans", "history", env=env).returncode == 2


def test_tvm_and_entity_reads(env: dict[str, str]) -> None:
    software = ids(env, "software", "list", "-n", "1")[0]
    versions = run_json(env, "software", "distributions", software)
    assert isinstance(versions, list)
    assert versions
    assert all("installations" in v for v in versions)
    exposure = run_json(env, "scores", "exposure")
    assert isinstance(exposure, dict)
    assert exposure["score"] > 0
    by_group = mdekit("scores", "exposure-by-group", "-o", "csv", env=env)
    assert by_group.stdout.startswith("time,score,")
    av = mdekit("av-health", "list", "-n", "3", "-o", "ndjson", env=env)
    assert len(av.stdout.splitlines()) == 3
    alert = ids(env, "alerts", "list", "-n", "1")[0]
    machine = run_json(env, "alerts", "related", alert)
    assert isinstance(machine, dict)
    stats = run_json(env, "ips", "stats", machine["lastIpAddress"])
    assert isinstance(stats, dict)
    assert stats["ipAddress"] == machine["lastIpAddress"]


def test_exports_stream_rows_and_download_parts(env: dict[str, str], tmp_path: Path) -> None:
    rows = tmp_path / "inventory.ndjson"
    done = mdekit("exports", "software-inventory", "--out", str(rows), "--page-size", "50", env=env)
    assert done.returncode == 0, done.stderr
    lines = rows.read_text().splitlines()
    assert lines
    assert all(json.loads(line)["deviceId"] for line in lines)
    assert f"wrote {len(lines):,} row(s)" in done.stderr
    as_csv = tmp_path / "vulns.csv"
    assert (
        mdekit(
            "exports",
            "software-vulnerabilities",
            "--out",
            str(as_csv),
            "-o",
            "csv",
            "-n",
            "5",
            env=env,
        ).returncode
        == 0
    )
    assert len(as_csv.read_text().splitlines()) == 6, "a header and five rows"
    parts = tmp_path / "parts"
    files = mdekit("exports", "software-inventory", "--files", "--out", str(parts), env=env)
    assert files.returncode == 0, files.stderr
    downloaded = sorted(parts.glob("*.gz"))
    assert downloaded
    first = gzip.decompress(downloaded[0].read_bytes()).decode().splitlines()
    assert {k.lower() for k in json.loads(first[0])} >= {"deviceid", "softwarename"}
    info = mdekit("exports", "information-gathering", "--out", str(tmp_path / "ig"), env=env)
    assert info.returncode == 0, "files only: --files is implied"
    assert list((tmp_path / "ig").glob("*.gz"))
    changes = mdekit(
        "exports", "software-vulnerability-changes", "--out", str(tmp_path / "c"), env=env
    )
    assert changes.returncode == 2
    assert "--since is required" in changes.stderr


def test_help_has_examples_and_completion() -> None:
    from typer.testing import CliRunner

    from mdekit.cli.main import app

    runner = CliRunner()
    for command in (
        ("alerts", "update"),
        ("alerts", "export"),
        ("machines", "find-by-ip"),
        ("actions", "package"),
        ("investigations", "start"),
        ("indicators", "import"),
        ("files", "stats"),
        ("vulnerabilities", "list"),
        ("scores", "exposure"),
        ("library", "upload"),
        ("scans", "history"),
        ("exports", "software-inventory"),
        ("av-health", "list"),
        ("partners", "alerts", "list"),
        ("config", "set"),
    ):
        shown = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
        assert shown.exit_code == 0, command
        assert f"mdekit {command[0]}" in shown.output, f"an example in {command}"
    completion = mdekit("--show-completion", env={"SHELL": "/bin/bash"})
    assert "complete" in completion.stdout


def test_request_log_redacts_tokens_and_secrets(env: dict[str, str], own: Served) -> None:
    token = mdekit("token", "get", env=env).stdout.strip()
    verbose = mdekit("-vv", "alerts", "list", "-n", "2", "-o", "json", env=env)
    assert verbose.returncode == 0, verbose.stderr
    log = verbose.stderr
    assert "GET /api/alerts?$top=2 -> 200 in" in log
    assert "request id " in log
    assert "quota not tracked (pacing off)" in log
    assert "authorization: <redacted>" in log, "-vv shows the headers"
    assert own.dev.client_secret not in log
    assert token not in log
    assert token.split(".")[1] not in log
    assert "eyJ" not in log
    paced = mdekit("-v", "machines", "list", "-n", "1", env={**env, "MDE_PACING": "on"})
    assert "left per 60s" in paced.stderr
    assert "authorization" not in paced.stderr.lower(), "-v is one line a request"
    wrong = mdekit("-vv", "alerts", "list", env={**env, "AZURE_CLIENT_SECRET": "Wr0ng~secret-x1"})
    assert wrong.returncode == 3
    assert "Wr0ng~secret-x1" not in wrong.stderr + wrong.stdout


def test_redact() -> None:
    jwt = "eyJ0eXAiOiJKV1QifQ.eyJyb2xlcyI6W119.c2lnbmF0dXJl"
    samples = {
        f"authorization: Bearer {jwt}": jwt,
        "client_secret=abc~DEF123&scope=x": "abc~DEF123",
        '{"access_token": "opaque-token-value", "x": 1}': "opaque-token-value",
        "https://h/_downloads/k?se=123&sig=SiGnAtUrE": "SiGnAtUrE",
        "password: hunter22": "hunter22",
    }
    for text, secret in samples.items():
        cleaned = redact(text)
        assert secret not in cleaned, text
        assert REDACTED in cleaned
    assert redact("say s3cr3t-value twice: s3cr3t-value", ["s3cr3t-value"]).count(REDACTED) == 2
    assert redact("GET /api/alerts?$top=2 -> 200") == "GET /api/alerts?$top=2 -> 200"
