"""The pytest plugin shipped as `mdekit.testing`: a third-party-style test suite run with
pytester (the plugin is found through its entry point), and the fixtures used here directly."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

import pytest

from mdekit.testing import EmulatorControlError, MdeEmulator

pytest_plugins = ["pytester"]

THIRD_PARTY_SUITE = """
import os

import httpx
from azure.identity import ClientSecretCredential

DEFENDER = "https://api.securitycenter.microsoft.com/.default"


def test_azure_identity_token_lists_alerts(mde_env):
    credential = ClientSecretCredential(
        os.environ["AZURE_TENANT_ID"],
        os.environ["AZURE_CLIENT_ID"],
        os.environ["AZURE_CLIENT_SECRET"],
        authority=os.environ["AZURE_AUTHORITY_HOST"],
        disable_instance_discovery=True,
    )
    token = credential.get_token(DEFENDER).token
    response = httpx.get(
        os.environ["MDE_API_URL"] + "/api/alerts",
        headers={"Authorization": "Bearer " + token},
        verify=os.environ["SSL_CERT_FILE"],
    )
    assert response.status_code == 200
    assert len(response.json()["value"]) == 7


def test_httpx_token_and_an_injected_fault(mde_clean_emulator):
    emulator = mde_clean_emulator
    response = emulator.http.post(
        f"/{emulator.tenant_id}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": emulator.client_id,
            "client_secret": emulator.client_secret,
            "scope": DEFENDER,
        },
    )
    headers = {"Authorization": "Bearer " + response.json()["access_token"]}
    emulator.add_fault("/api/machines*", status=503, count=1, retry_after=3)
    failed = emulator.http.get("/api/machines", headers=headers)
    assert failed.status_code == 503
    assert failed.headers["Retry-After"] == "3"
    machines = emulator.http.get("/api/machines", headers=headers).json()["value"]
    assert len(machines) == 5
    emulator.add_fault("/api/alerts*", status=500, count=None)


def test_clean_emulator_forgets_the_last_tests_faults(mde_clean_emulator):
    assert mde_clean_emulator.faults() == []


def test_quotas_follow_the_option(mde_emulator, request):
    wanted = request.config.getoption("--mde-emulator-quotas")
    assert mde_emulator.control("GET", "/quotas")["enabled"] is wanted
"""


def test_a_third_party_suite_uses_the_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_soar=THIRD_PARTY_SUITE)
    result = pytester.runpytest_subprocess(
        "--mde-emulator-alerts", "7", "--mde-emulator-machines", "5", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=4)


def test_the_quotas_option_turns_rate_limits_on(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_soar=THIRD_PARTY_SUITE)
    result = pytester.runpytest_subprocess(
        "--mde-emulator-quotas",
        "--mde-emulator-machines",
        "2",
        "--mde-emulator-alerts",
        "1",
        "-k",
        "quotas",
        "-p",
        "no:cacheprovider",
    )
    result.assert_outcomes(passed=1)


def test_options_are_listed_in_pytest_help(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["*--mde-emulator-quotas*", "*--mde-emulator-seed*"])


def test_env_is_what_mdekit_emulator_env_prints(mde_emulator: MdeEmulator) -> None:
    printed = subprocess.run(
        [
            sys.executable,
            "-m",
            "mdekit",
            "emulator",
            "env",
            "--state-dir",
            str(mde_emulator.state_dir),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    exported = dict(
        shlex.split(line.removeprefix("export "))[0].split("=", 1) for line in printed.splitlines()
    )
    assert exported == mde_emulator.env


def test_mde_env_sets_the_environment_for_one_test(
    mde_env: dict[str, str], mde_emulator: MdeEmulator
) -> None:
    assert os.environ["AZURE_AUTHORITY_HOST"] == mde_emulator.url
    assert os.environ["REQUESTS_CA_BUNDLE"] == mde_emulator.ca_bundle
    assert mde_env["AZURE_CLIENT_ID"] == mde_emulator.client_id


def test_reset_puts_everything_back(mde_emulator: MdeEmulator) -> None:
    before = mde_emulator.control("GET", "/actions")
    mde_emulator.set_actions("manual", pending_seconds=10, done_seconds=20)
    mde_emulator.set_quotas(enabled=True, scale=0.5)
    mde_emulator.add_fault("/api/*", status=500, count=None)
    mde_emulator.control("POST", "/clock", json={"freeze": True})
    mde_emulator.advance_clock(7200)
    mde_emulator.control("PATCH", "/settings", json={"tokenLifetimeSeconds": 600})
    seeded = mde_emulator.seed(machines=2, alerts=3)
    assert seeded["tenants"][0]["machines"] == 2

    mde_emulator.reset()

    assert mde_emulator.control("GET", "/actions") == before
    assert mde_emulator.control("GET", "/quotas") == {"enabled": False, "scale": 1.0}
    assert mde_emulator.faults() == []
    clock = mde_emulator.control("GET", "/clock")
    assert clock["frozen"] is False
    assert abs(clock["offsetSeconds"]) < 0.001, "back at real time (to the microsecond)"
    assert mde_emulator.control("GET", "/settings")["tokenLifetimeSeconds"] == 3600
    token = mde_emulator.token()
    machines = mde_emulator.http.get(
        "/api/machines", headers={"Authorization": f"Bearer {token}"}
    ).json()["value"]
    assert len(machines) == mde_emulator.options.machines


def test_control_errors_say_what_the_emulator_said(mde_emulator: MdeEmulator) -> None:
    with pytest.raises(EmulatorControlError) as raised:
        mde_emulator.seed(tenant="nobody.onmicrosoft.com")
    assert raised.value.status == 404
    assert "does not exist" in raised.value.message


def test_journal_shows_the_dev_apps_calls(mde_emulator: MdeEmulator) -> None:
    token = mde_emulator.token()
    mde_emulator.http.get("/api/alerts/no-such-alert", headers={"Authorization": f"Bearer {token}"})
    entries = mde_emulator.journal(app=mde_emulator.client_id, status=404)
    assert any(entry["path"] == "/api/alerts/no-such-alert" for entry in entries)
