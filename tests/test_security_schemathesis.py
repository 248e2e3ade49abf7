"""schemathesis, its own command line, over the emulator's OpenAPI document served on a real
HTTPS port: every phase (examples, coverage, fuzzing, stateful sequences it infers from the
document), and the checks that matter for a security product's stand-in:

- no 5xx for anything (`not_a_server_error`);
- responses, statuses, content types and headers as the document says;
- authentication is never ignored (`ignored_auth`: the same calls without the token and with
  a broken one must fail);
- what is deleted is gone (`use_after_free`), what is created can be read
  (`ensure_resource_availability`).

`tests/test_openapi.py` runs schemathesis in process per operation (derandomized); this run
goes over sockets, seeded, bounded by `-n` per operation (`MDE_FUZZ_EXAMPLES` raises it).

Left out, with the reason: `positive_data_acceptance` (the document is looser than the
service: it allows `$filter=` and `"Comment": ""`, which the real service refuses with 400,
as the emulator does), `negative_data_rejection` (an empty `sinceTime=` reads as absent, as
ASP.NET binds it), `unsupported_method` and `allow_header_conformance` (an undeclared method
on a path answers the service's 404 body, not 405)."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.emulators import DEFENDER_SCOPE, Served, served

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "ignored_auth",
    "use_after_free",
    "ensure_resource_availability",
)
EXAMPLES = int(os.environ.get("MDE_FUZZ_EXAMPLES", "8"))
STATEFUL_EXAMPLES = 20 * EXAMPLES
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """An emulator of its own on HTTPS (the fuzzer writes to it)."""
    with served(
        tmp_path_factory.mktemp("schemathesis-served"),
        quotas=False,
        machines=10,
        alerts=20,
        events=3000,
    ) as running:
        yield running


def _token(running: Served) -> str:
    response = httpx.post(
        f"{running.url}/{running.dev.tenant_id}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": running.dev.client_id,
            "client_secret": running.dev.client_secret,
            "scope": DEFENDER_SCOPE,
        },
        verify=ssl.create_default_context(cafile=running.bundle),
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def _schemathesis(
    running: Served, token: str, workdir: Path, phases: str, examples: int
) -> dict[str, Any]:
    """One `schemathesis run`; its JSON report once it exits cleanly."""
    report = workdir / f"report-{phases.replace(',', '-')}.json"
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{running.url}/_emulator/openapi.json",
        *("--tls-verify", running.bundle),
        *("--header", f"Authorization: Bearer {token}"),
        *("--phases", phases),
        *("--checks", ",".join(CHECKS)),
        *("--max-examples", str(examples)),
        *("--seed", "20261126"),
        "--no-shrink",
        # One worker: with two, CPython 3.11 sometimes trips over its own AST recursion
        # counter while schemathesis compiles schemas in threads (a SystemError).
        *("--workers", "1"),
        *("--request-timeout", "90"),  # a guard against hangs on a busy machine
        *("--report", "json", "--report-json-path", str(report)),
        *("--output-truncate", "true"),
    ]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""},
        check=False,
        cwd=workdir,  # its replay cache (.schemathesis/) goes there, not into the repo
    )
    assert token not in result.stdout + result.stderr, "schemathesis filters the token"
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    summary: dict[str, Any] = json.loads(report.read_text())
    assert summary["test_cases"]["errored"] == 0
    return summary


@pytest.mark.skipif(not SCHEMATHESIS.exists(), reason="the schemathesis command is not installed")
def test_schemathesis_finds_no_server_error_and_no_broken_response(
    fuzzed: Served, tmp_path: Path
) -> None:
    token = _token(fuzzed)
    summary = _schemathesis(fuzzed, token, tmp_path, "examples,coverage,fuzzing", EXAMPLES)
    assert summary["operations"]["tested"] >= 113, summary["operations"]
    assert summary["test_cases"]["generated"] > 10 * summary["operations"]["tested"]
    # Sequences along the document's links (alerts.list -> alerts.get, isolate -> cancel,
    # indicators.submit -> indicators.delete, ...) and the ones schemathesis infers.
    stateful = _schemathesis(fuzzed, token, tmp_path, "stateful", STATEFUL_EXAMPLES)
    assert stateful["phases"]["stateful"]["status"] != "skip", stateful["phases"]
    assert stateful["test_cases"]["generated"] > 100
    # `ignored_auth` really called without (and with a broken) token, and was refused.
    refused = httpx.get(
        f"{fuzzed.url}/_emulator/journal",
        params={"status": "401", "limit": "5000"},
        headers={"X-Emulator-Admin-Key": fuzzed.running.emulator.admin_key},
        verify=ssl.create_default_context(cafile=fuzzed.bundle),
    ).json()
    reasons = {entry["reason"] for entry in refused}
    assert "no Authorization header" in reasons, reasons
    print(  # the tally docs/security.md quotes
        f"schemathesis: {summary['test_cases']['generated']} cases over "
        f"{summary['operations']['tested']} operations (examples, coverage, fuzzing), "
        f"{stateful['test_cases']['generated']} stateful calls"
    )
