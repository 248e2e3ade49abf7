"""The emulator's OpenAPI document (`GET /_emulator/openapi.json`): its shape, and a
schemathesis run of every served operation against the emulator in process (no 5xx,
responses as documented).

Operations the emulator does not serve yet (no handler in `defender.routes.HANDLERS`; they
answer 501 "NotImplemented") are skipped by name, with the reason shown in pytest's summary,
and a separate test checks that each of them really answers 501. The run is derandomized
(the same cases every time); `MDE_FUZZ_EXAMPLES=500` draws more cases, at random."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mdekit.catalog.endpoints import ENDPOINTS
from mdekit.emulator.defender.routes import HANDLERS
from mdekit.emulator.openapi import document as document_for
from tests.support.emulators import InProcess, in_process

DOCUMENT = "/_emulator/openapi.json"
EXAMPLES_PER_OPERATION = int(os.environ.get("MDE_FUZZ_EXAMPLES", "40"))
"""Enough to find the findings below in well under a minute; raise it to hunt for more."""
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def base_operation(operation_id: str) -> str:
    """`alerts.list.count` and `device_av_info.list.alias1` belong to their catalog operation."""
    known = {e.operation for e in ENDPOINTS}
    while operation_id not in known and "." in operation_id:
        operation_id = operation_id.rsplit(".", 1)[0]
    return operation_id


def unserved() -> list[str]:
    return sorted(e.operation for e in ENDPOINTS if e.operation not in HANDLERS)


@pytest.fixture(scope="module")
def fuzz_emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    """An emulator of its own (the fuzzer writes to it), quotas off."""
    with in_process(tmp_path_factory.mktemp("openapi-fuzz"), quotas=False) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def document(fuzz_emu: InProcess) -> dict[str, Any]:
    response = fuzz_emu.http.get(DOCUMENT)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def auth_headers(fuzz_emu: InProcess) -> dict[str, str]:
    return {"Authorization": f"Bearer {fuzz_emu.token()}"}


@pytest.fixture(scope="module")
def api_schema(fuzz_emu: InProcess) -> Any:
    return schemathesis.openapi.from_asgi(DOCUMENT, fuzz_emu.http.app)


# -- the document ----------------------------------------------------------------------------


def test_document_is_open_and_lists_every_catalog_endpoint(fuzz_emu: InProcess) -> None:
    response = fuzz_emu.http.get(DOCUMENT)  # no bearer, no admin key
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["openapi"] == "3.1.0"
    operation_ids = {op["operationId"] for item in body["paths"].values() for op in item.values()}
    for endpoint in ENDPOINTS:
        assert endpoint.operation in operation_ids
        assert endpoint.method.lower() in body["paths"][endpoint.path]


def test_operations_carry_roles_security_and_error_bodies(document: dict[str, Any]) -> None:
    listing = document["paths"]["/api/alerts"]["get"]
    assert listing["security"] == [{"bearer": []}]
    assert "`Alert.Read.All`" in listing["description"]
    assert listing["x-mdekit-application-roles"] == ["Alert.Read.All", "Alert.ReadWrite.All"]
    names = [p["name"] for p in listing["parameters"]]
    assert names == ["$filter", "$top", "$skip", "$expand"]
    top = next(p for p in listing["parameters"] if p["name"] == "$top")
    assert top["schema"]["maximum"] == 10_000
    page = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert page["properties"]["value"]["items"] == {"$ref": "#/components/schemas/Alert"}
    for status in ("400", "401", "403", "404", "429"):
        assert listing["responses"][status] == {"$ref": f"#/components/responses/{status}"}
    error = document["components"]["responses"]["429"]
    assert "Retry-After" in error["headers"]
    assert error["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ApiErrorBody"
    }
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"


def test_write_endpoints_document_their_bodies(document: dict[str, Any]) -> None:
    isolate = document["paths"]["/api/machines/{id}/isolate"]["post"]
    assert isolate["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/MachineAction"
    }
    body = isolate["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/IsolateRequest"}
    schemas = document["components"]["schemas"]
    assert schemas["IsolateRequest"]["required"] == ["Comment"]
    assert schemas["IsolateRequest"]["properties"]["IsolationType"]["anyOf"][0]["enum"] == [
        "Full",
        "Selective",
        "UnManagedDevice",
    ]
    # The catalog requires ScanType although the model leaves it optional.
    scan = document["paths"]["/api/machines/{id}/runAntiVirusScan"]["post"]["requestBody"]
    scan_schema = scan["content"]["application/json"]["schema"]
    assert scan_schema["allOf"][1]["required"] == ["ScanType"]
    # A body without a model is described from the catalog's field names.
    batch = document["paths"]["/api/DeviceAuthenticatedScanDefinitions/BatchDelete"]["post"]
    assert batch["requestBody"]["content"]["application/json"]["schema"]["required"] == [
        "ScanDefinitionIds"
    ]
    assert "content" not in batch["responses"]["204"]


def test_counts_and_aliases_are_documented(document: dict[str, Any]) -> None:
    count = document["paths"]["/api/alerts/$count"]["get"]
    assert count["responses"]["200"]["content"]["text/plain"]["schema"]["type"] == "integer"
    alias = document["paths"]["/api/public/avdeviceshealth"]["get"]
    assert alias["operationId"] == "device_av_info.list.alias1"


def test_server_is_the_emulator_origin(fuzz_emu: InProcess) -> None:
    body = fuzz_emu.http.get(DOCUMENT).json()
    assert body["servers"][0]["url"] == "https://emulator.test"


# -- operations the emulator does not serve yet ----------------------------------------------


@pytest.mark.parametrize("operation", unserved())
def test_unserved_operations_answer_501(
    operation: str, fuzz_emu: InProcess, auth_headers: dict[str, str]
) -> None:
    endpoint = next(e for e in ENDPOINTS if e.operation == operation)
    path = endpoint.path
    for name in endpoint.path_params:
        path = path.replace("{" + name + "}", "1")
    response = fuzz_emu.http.request(endpoint.method, path, headers=auth_headers)
    assert response.status_code == 501, (operation, response.status_code, response.text)
    assert response.json()["error"]["code"] == "NotImplemented"


# -- bugs the fuzzer found, fixed: their regression tests ------------------------------------


def test_a_newline_in_a_path_parameter_gets_the_service_error_body(
    fuzz_emu: InProcess, auth_headers: dict[str, str]
) -> None:
    """It used to escape the API route (Starlette's `path` pattern stops at a newline)."""
    response = fuzz_emu.http.get("/api/machines/ab%0Acd", headers=auth_headers)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ResourceNotFound"


def test_malformed_multipart_gets_the_service_error_body(
    fuzz_emu: InProcess, auth_headers: dict[str, str]
) -> None:
    """It used to get Starlette's own `{"detail": "Invalid multipart data."}`."""
    response = fuzz_emu.http.post(
        "/api/libraryfiles",
        content=b"--b\r\n-1.0--b--\r\n",
        headers={**auth_headers, "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "InvalidRequestBody"


def test_an_escaped_question_mark_in_an_id_is_part_of_the_id(
    fuzz_emu: InProcess, auth_headers: dict[str, str]
) -> None:
    """A `%3F` or `%23` used to be decoded before matching and cut the path there."""
    for path in ("/api/machines/%3F", "/api/alerts/%23x/user"):
        response = fuzz_emu.http.get(path, headers=auth_headers)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "ResourceNotFound"


# -- schemathesis over the served operations -------------------------------------------------
# schemathesis' own pytest integration (`from_fixture(...).parametrize()`) does not run on
# this pytest, so each operation is one parametrized test that draws cases from the
# operation's strategies with Hypothesis: valid inputs, invalid inputs, and valid inputs
# aimed at entities that exist (so that success answers are checked too).

OPERATION_IDS = sorted(
    op["operationId"]
    for item in document_for("https://emulator.test")["paths"].values()
    for op in item.values()
)


@pytest.fixture(scope="module")
def known_ids(fuzz_emu: InProcess, auth_headers: dict[str, str]) -> dict[str, str]:
    """Path parameter values of entities that exist in the fuzzed emulator's world."""

    def get(path: str) -> Any:
        response = fuzz_emu.http.get(path, headers=auth_headers)
        assert response.status_code == 200, (path, response.text)
        return response.json()

    alert = get("/api/alerts?$top=1")["value"][0]
    windows = "startswith(osPlatform,'Windows') and healthStatus eq 'Active'"
    machine = get(f"/api/machines?$top=1&$filter={windows}")["value"][0]
    action = fuzz_emu.http.post(
        f"/api/machines/{machine['id']}/runAntiVirusScan",
        headers=auth_headers,
        json={"Comment": "fuzz target", "ScanType": "Quick"},
    )
    assert action.status_code == 201, action.text
    return {
        "alerts": alert["id"],
        "machines": machine["id"],
        "machineactions": action.json()["id"],
        "ip": machine["lastIpAddress"],
        "key": machine["lastIpAddress"],
        "timestamp": machine["lastSeen"],
        "index": "0",
    }


def known_path_parameters(path: str, known: dict[str, str]) -> dict[str, str]:
    """Values for the path's placeholders: by name (`ip`, `timestamp`), else by the
    collection segment in front of it (`/api/alerts/{id}` takes an alert id)."""
    values: dict[str, str] = {}
    segments = path.split("/")
    for position, segment in enumerate(segments):
        for name in re.findall(r"{(\w+)}", segment):
            if name in known:
                values[name] = known[name]
            elif position > 0 and segments[position - 1].lower() in known:
                values[name] = known[segments[position - 1].lower()]
    return values


@pytest.mark.parametrize("operation_id", OPERATION_IDS)
def test_served_operations_conform(
    operation_id: str, api_schema: Any, auth_headers: dict[str, str], known_ids: dict[str, str]
) -> None:
    operation = base_operation(operation_id)
    if operation not in HANDLERS:
        pytest.skip(f"{operation}: no handler in the emulator yet (it answers 501)")
    api_operation = api_schema.find_operation_by_id(operation_id)
    strategies = [
        api_operation.as_strategy(GenerationMode.POSITIVE),
        api_operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    fixed = known_path_parameters(api_operation.path, known_ids)
    if fixed:
        strategies.append(api_operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed))

    @given(case=st.one_of(strategies))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=not os.environ.get("MDE_FUZZ_EXAMPLES"),
        database=None,
    )
    def conforms(case: Any) -> None:
        case.call_and_validate(headers=auth_headers, checks=CHECKS)

    conforms()
