"""The JSON bodies of every write endpoint of the Defender API (every catalog endpoint with a
JSON body), plus the Graph and control API writes: whatever arrives, the answer is the
service's error body or a success, never a 5xx, and a refused request stores nothing.

Hypothesis draws bodies from the endpoint's own field names with values of every JSON type
(wrong types, empty, huge, nested, control characters, surrogates); a fixed set of hostile
documents (10,000-deep arrays and objects, a 5,000-digit number, NaN, lone surrogates, a
3 MB string) is sent to each endpoint as well."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from mdekit.catalog.endpoint_model import Endpoint
from mdekit.catalog.endpoints import ENDPOINTS
from mdekit.emulator.store import schema
from tests.support.emulators import GRAPH_SCOPE, InProcess, in_process

WRITES = [e for e in ENDPOINTS if e.content_type == "application/json"]
EXAMPLES = int(os.environ.get("MDE_FUZZ_EXAMPLES", "30"))
TABLES = (
    schema.alerts,
    schema.machines,
    schema.entities,
    schema.machine_actions,
    schema.library_files,
    schema.applications,
    schema.password_credentials,
    schema.service_principals,
    schema.app_role_assignments,
    schema.tenants,
)
HOSTILE: dict[str, bytes] = {
    "10k deep array": b"[" * 10_000 + b"]" * 10_000,
    "10k deep object": b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
    "5000-digit number": b'{"Comment": ' + b"9" * 5000 + b"}",
    "NaN and infinity": b'{"Comment": NaN, "Value": Infinity, "Query": -Infinity}',
    "lone surrogate escape": b'{"Comment": "\\ud800", "Query": "x\\udfff", "title": "\\ud83d"}',
    "lone surrogate bytes": b'{"Comment": "\xed\xa0\x80"}',
    # In a field no endpoint has: some ignore unknown fields, and a stored 3 MB value would
    # make every later snapshot of the database slow.
    "3 MB string": b'{"Unexpected": "' + b"A" * (3 * 1024 * 1024) + b'"}',
    "NUL and controls": b'{"Comment": "a\\u0000b\\u001b[31m", "Value": "\\u0000"}',
    "duplicate keys": b'{"Comment": "a", "Comment": 5}',
    "not an object": b'"just a string"',
    "truncated": b'{"Comment": "',
    "BOM": b'\xef\xbb\xbf{"Comment": "x"}',
    "latin-1": b'{"Comment": "caf\xe9"}',
}


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    with in_process(
        tmp_path_factory.mktemp("write-fuzz"), quotas=False, machines=8, alerts=10, events=2000
    ) as emu:
        # A frozen clock: no machine action moves on between the two snapshots of a call.
        admin = {"X-Emulator-Admin-Key": emu.emulator.admin_key}
        assert emu.http.post("/_emulator/clock", json={"freeze": True}, headers=admin).is_success
        yield emu


@pytest.fixture(scope="module")
def ids(fuzzed: InProcess) -> dict[str, str]:
    token = fuzzed.token()
    windows = "startswith(osPlatform,'Windows') and healthStatus eq 'Active'"
    machine = fuzzed.api("GET", f"/api/machines?$filter={windows}&$top=1", token).json()["value"]
    alert = fuzzed.api("GET", "/api/alerts?$top=1", token).json()["value"][0]
    action = fuzzed.api(
        "POST", f"/api/machines/{machine[0]['id']}/collectInvestigationPackage", token,
        json={"Comment": "fuzz target"},
    )  # fmt: skip
    assert action.status_code == 201, action.text
    scans = fuzzed.api("GET", "/api/DeviceAuthenticatedScanDefinitions", token).json()["value"]
    return {
        "alerts": alert["id"],
        "machines": machine[0]["id"],
        "machineactions": action.json()["id"],
        "deviceauthenticatedscandefinitions": scans[0]["id"] if scans else "x",
    }


def _path(endpoint: Endpoint, ids: dict[str, str]) -> str:
    segments = endpoint.path.split("/")
    for position, segment in enumerate(segments):
        if segment.startswith("{"):
            segments[position] = ids.get(segments[position - 1].lower(), "x")
    return "/".join(segments)


def _digest(emu: InProcess) -> str:
    digest = hashlib.sha256()
    with emu.emulator.engine.connect() as conn:
        for table in TABLES:
            for row in sorted(repr(tuple(r)) for r in conn.execute(select(table))):
                digest.update(row.encode())
    return digest.hexdigest()


def _check(emu: InProcess, method: str, path: str, body: bytes, token: str) -> int:
    before = _digest(emu)
    response = emu.api(
        method, path, token, content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code < 500, (method, path, body[:200], response.text[:300])
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["code"]
        assert error["message"]
        assert _digest(emu) == before, ("a refused request changed the database", path, body[:200])
    return response.status_code


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(["", " ", "Full", "Quick", "High", "Add", "Remove", "New", "Resolved",
                       "x" * 5000, "1.2.3.4", "da000_1", "0" * 40, "'; DROP TABLE alerts;--"])
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=10,
)  # fmt: skip


def _bodies(endpoint: Endpoint) -> st.SearchStrategy[bytes]:
    names = [*endpoint.body_required, *endpoint.body_optional, "extra", "comment"]
    shaped = st.dictionaries(st.sampled_from(names), VALUES, max_size=len(names))
    anything = VALUES
    return st.one_of(shaped, shaped, anything).map(
        lambda value: json.dumps(value).encode()
    ) | st.binary(max_size=300)


TALLY: dict[str, int] = {}


@pytest.mark.parametrize("endpoint", WRITES, ids=[e.operation for e in WRITES])
def test_write_bodies_never_break_anything(
    fuzzed: InProcess, ids: dict[str, str], endpoint: Endpoint
) -> None:
    token = fuzzed.token()
    path = _path(endpoint, ids)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(body=_bodies(endpoint))
    def refused_or_served(body: bytes) -> None:
        _check(fuzzed, endpoint.method, path, body, token)
        TALLY[endpoint.operation] = TALLY.get(endpoint.operation, 0) + 1

    refused_or_served()
    for name, body in HOSTILE.items():
        status = _check(fuzzed, endpoint.method, path, body, token)
        TALLY[endpoint.operation] += 1
        if "deep" in name or "surrogate" in name or name in ("truncated", "latin-1"):
            assert status == 400, (name, status)


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("POST", "/v1.0/applications", GRAPH_SCOPE),
        ("POST", "/v1.0/servicePrincipals", GRAPH_SCOPE),
        ("POST", "/v1.0/security/runHuntingQuery", GRAPH_SCOPE),
        ("POST", "/_emulator/tenants", None),
        ("POST", "/_emulator/faults", None),
        ("PATCH", "/_emulator/settings", None),
        ("PUT", "/_emulator/quotas", None),
    ],
)
def test_graph_and_control_writes_refuse_hostile_json(
    fuzzed: InProcess, method: str, path: str, scope: str | None
) -> None:
    headers = {"Content-Type": "application/json"}
    if scope is None:
        headers["X-Emulator-Admin-Key"] = fuzzed.emulator.admin_key
    else:
        headers["Authorization"] = f"Bearer {fuzzed.token(scope)}"
    for name, body in HOSTILE.items():
        before = _digest(fuzzed)
        response = fuzzed.http.request(method, path, content=body, headers=headers)
        assert response.status_code < 500, (name, response.text[:300])
        if "deep" in name or "surrogate" in name:
            assert response.status_code == 400, (name, response.status_code)
        if response.status_code >= 400:
            assert _digest(fuzzed) == before, name


def test_the_journal_survives_what_the_fuzzer_sent(fuzzed: InProcess) -> None:
    """A lone surrogate quoted in an error used to stop the journal's writer for good."""
    token = fuzzed.token()
    admin = {"X-Emulator-Admin-Key": fuzzed.emulator.admin_key}
    journal = fuzzed.emulator.runtime.journal
    fuzzed.api(
        "POST", "/api/indicators", token, content=b'{"title\\ud800": 1}',
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    journal.flush()
    newest = max(
        e["seq"] for e in fuzzed.http.get("/_emulator/journal?limit=5000", headers=admin).json()
    )
    assert fuzzed.api("GET", "/api/alerts?$top=1", token).status_code == 200
    journal.flush()
    later = fuzzed.http.get(f"/_emulator/journal?since={newest}", headers=admin).json()
    assert any(e["path"].startswith("/api/alerts") for e in later), "still journaling"
    print(f"write fuzz: {sum(TALLY.values())} bodies over {len(TALLY)} endpoints")
