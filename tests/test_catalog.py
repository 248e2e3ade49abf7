"""The catalog: 113 endpoints, their permissions, path matching, and the cloud table."""

from __future__ import annotations

import re
import uuid
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mdekit.catalog import (
    CLOUDS,
    DEFENDER,
    DEFENDER_API_HOSTS,
    ENDPOINTS,
    GRAPH,
    MICROSOFT_LOGIN_HOSTS,
    RESOURCE_APIS,
    THREAT_PROTECTION,
    Endpoint,
    cloud,
    endpoint,
    endpoints_for_role,
    find_operation,
    find_permission,
    is_count_request,
    match,
    operations,
    published_spelling,
    resource_for,
    suggest_permission,
)
from mdekit.catalog.endpoint_model import NO_LIMITS, STANDARD_LIMITS, RateLimit
from mdekit.catalog.endpoints_actions import ENDPOINTS_ACTIONS
from mdekit.catalog.endpoints_alerts import ENDPOINTS_ALERTS
from mdekit.catalog.endpoints_entities import ENDPOINTS_ENTITIES
from mdekit.catalog.endpoints_exports import ENDPOINTS_EXPORTS
from mdekit.catalog.endpoints_machines import ENDPOINTS_MACHINES
from mdekit.catalog.endpoints_scans import ENDPOINTS_SCANS
from mdekit.catalog.endpoints_tvm import ENDPOINTS_TVM

REQUIRED_OPERATIONS = [
    "hunting.run",
    "alerts.list",
    "alerts.get",
    "alerts.update",
    "alerts.batch_update",
    "alerts.create_by_reference",
    "alerts.domains",
    "alerts.files",
    "alerts.ips",
    "alerts.machine",
    "alerts.user",
    "machines.list",
    "machines.get",
    "machines.logon_users",
    "machines.alerts",
    "machines.software",
    "machines.vulnerabilities",
    "machines.recommendations",
    "machines.tags",
    "machines.tags_bulk",
    "machines.find_by_ip",
    "machines.find",
    "machines.find_by_tag",
    "machines.missing_kbs",
    "machines.set_device_value",
    "machines.update",
    "machines.collect_investigation_package",
    "machines.isolate",
    "machines.unisolate",
    "machines.restrict_code_execution",
    "machines.unrestrict_code_execution",
    "machines.run_antivirus_scan",
    "machines.offboard",
    "machines.stop_and_quarantine_file",
    "machines.run_live_response",
    "machines.start_investigation",
    "machine_actions.list",
    "machine_actions.get",
    "machine_actions.package_uri",
    "machine_actions.live_response_result",
    "machine_actions.cancel",
    "investigations.list",
    "investigations.get",
    "indicators.list",
    "indicators.submit",
    "indicators.import",
    "indicators.delete",
    "indicators.batch_delete",
    "files.get",
    "files.alerts",
    "files.machines",
    "files.stats",
    "ips.alerts",
    "ips.stats",
    "domains.alerts",
    "domains.machines",
    "domains.stats",
    "users.alerts",
    "users.machines",
    "device_av_info.list",
]

RESPONSE_ACTIONS = [
    "machines.collect_investigation_package",
    "machines.isolate",
    "machines.unisolate",
    "machines.restrict_code_execution",
    "machines.unrestrict_code_execution",
    "machines.run_antivirus_scan",
    "machines.offboard",
    "machines.stop_and_quarantine_file",
    "machines.run_live_response",
]


# --- the table ---------------------------------------------------------------------------


def test_catalog_has_113_distinct_method_and_path_pairs() -> None:
    pairs = {(e.method, e.path.lower()) for e in ENDPOINTS}
    assert len(ENDPOINTS) == 113
    assert len(pairs) == 113


def test_group_modules_hold_the_documented_counts() -> None:
    # §5: AH 1 + alerts 10 + investigations 3 | indicators 5 + lookups 11 | machines 15 +
    # device health 1 | actions 14 + library 3 | TVM 4+6+5+3+3 | exports 9+12 | scans 8
    sizes = [
        len(group)
        for group in (
            ENDPOINTS_ALERTS,
            ENDPOINTS_ENTITIES,
            ENDPOINTS_MACHINES,
            ENDPOINTS_ACTIONS,
            ENDPOINTS_TVM,
            ENDPOINTS_EXPORTS,
            ENDPOINTS_SCANS,
        )
    ]
    assert sizes == [14, 16, 16, 17, 21, 21, 8]


def test_operation_names_are_unique_snake_case_group_dot_verb() -> None:
    names = [e.operation for e in ENDPOINTS]
    duplicates = [name for name, n in Counter(names).items() if n > 1]
    assert duplicates == []
    bad = [name for name in names if not re.fullmatch(r"[a-z]+(_[a-z]+)*\.[a-z]+(_[a-z]+)*", name)]
    assert bad == []
    assert operations() == tuple(sorted(names))


def test_required_operation_names_exist() -> None:
    missing = [name for name in REQUIRED_OPERATIONS if find_operation(name) is None]
    assert missing == []
    for group in ("vulnerabilities", "software", "recommendations", "scores"):
        assert any(name.startswith(f"{group}.") for name in operations()), group
    for group in ("remediation_tasks", "library_files", "exports", "authenticated_scans"):
        assert any(name.startswith(f"{group}.") for name in operations()), group


def test_endpoint_lookup_raises_for_unknown_operation() -> None:
    assert endpoint("alerts.list").path == "/api/alerts"
    with pytest.raises(KeyError):
        endpoint("alerts.nope")


def test_methods_and_paths_are_well_formed() -> None:
    for e in ENDPOINTS:
        assert e.method in {"GET", "POST", "PATCH", "DELETE"}, e.operation
        assert e.path.startswith("/api/"), e.operation
        assert not e.path.endswith("/"), e.operation


def test_request_bodies_have_a_content_type_exactly_when_the_method_carries_one() -> None:
    for e in ENDPOINTS:
        carries_body = e.method in {"POST", "PATCH"}
        assert (e.content_type is not None) == carries_body, e.operation


def test_every_role_an_endpoint_names_is_a_published_application_role() -> None:
    published = {role.value for role in DEFENDER.application_roles}
    used = {role for e in ENDPOINTS for role in e.roles}
    assert used - published == set()
    assert all(e.roles for e in ENDPOINTS)


def test_every_delegated_scope_an_endpoint_names_is_published() -> None:
    published = set(DEFENDER.scope_values)
    used = {scope for e in ENDPOINTS for scope in e.delegated}
    assert used - published == set()


def test_doc_misprints_are_not_used_as_role_names() -> None:
    used = {role for e in ENDPOINTS for role in (*e.roles, *e.delegated)}
    assert {"URL.Read.All", "Alerts.ReadWrite.All", "Machine.Read.Write"} & used == set()
    assert "RemediationTask.Read" not in used


def test_response_actions_answer_201_and_need_their_own_role() -> None:
    for name in RESPONSE_ACTIONS:
        e = endpoint(name)
        assert e.success_status == 201, name
        assert e.method == "POST"
        assert "Comment" in e.body_required
        assert len(e.roles) == 1, name
        assert e.roles[0].startswith("Machine."), name
        assert e.entity_set == "MachineActions"
    assert endpoint("machines.start_investigation").success_status == 201
    assert endpoint("machine_actions.cancel").success_status == 200
    assert len(endpoint("machine_actions.cancel").roles) == 7


def test_deletes_answer_204_with_no_body() -> None:
    deletes = [e for e in ENDPOINTS if e.method == "DELETE" or "BatchDelete" in e.path]
    assert len(deletes) == 4
    for e in deletes:
        assert e.success_status == 204, e.operation
        assert e.returns == "none"


def test_rate_limits_follow_the_documented_exceptions() -> None:
    assert endpoint("alerts.list").rate_limits == STANDARD_LIMITS
    assert endpoint("hunting.run").rate_limits == (
        RateLimit(45, 60, per_tenant=True),
        RateLimit(1500, 3600, per_tenant=True),
    )
    assert endpoint("alerts.batch_update").rate_limits == (RateLimit(10, 60), RateLimit(500, 3600))
    assert endpoint("machine_actions.package_uri").rate_limits[0] == RateLimit(2, 60)
    assert endpoint("machines.run_live_response").max_concurrent == 25
    assert endpoint("machines.start_investigation").rate_limits == (RateLimit(50, 3600),)
    assert endpoint("exports.software_inventory").rate_limits[0] == RateLimit(30, 60)
    assert endpoint("exports.software_inventory_files").rate_limits == (
        RateLimit(5, 60),
        RateLimit(20, 3600),
    )
    for name in ("vulnerabilities.list", "software.get", "scores.exposure", "machines.software"):
        assert endpoint(name).rate_limits == NO_LIMITS, name


def test_page_caps() -> None:
    assert endpoint("alerts.list").page_cap == 10_000
    assert endpoint("machines.list").page_cap == 10_000
    assert endpoint("vulnerabilities.list").page_cap == 8_000
    assert endpoint("exports.secure_configurations").page_cap == 200_000
    assert endpoint("authenticated_scans.history_by_definition").page_cap == 4096
    assert endpoint("device_av_info.list").default_page_size == 20


def test_filterable_lists_are_exact_and_fixed() -> None:
    alerts = endpoint("alerts.list")
    assert "assignedTo" in alerts.filterable
    assert "asssignedTo" not in alerts.filterable
    assert len(alerts.filterable) == 11
    assert alerts.expandable == ("evidence",)
    for e in ENDPOINTS:
        if e.filterable:
            assert "$filter" in e.odata, e.operation


def test_every_collection_with_a_page_cap_documents_top() -> None:
    for e in ENDPOINTS:
        if e.page_cap is not None:
            assert "$top" in e.odata, e.operation


# --- matching ----------------------------------------------------------------------------


def _op(method: str, path: str) -> str | None:
    found = match(method, path)
    return None if found is None else found[0].operation


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [
        ("GET", "/api/machines/findbytag?tag=vip&useStartsWithFilter=true", "machines.find_by_tag"),
        ("GET", "/api/machines/SoftwareInventoryByMachine", "exports.software_inventory"),
        (
            "GET",
            "/api/machines/softwareinventorybymachine?pageSize=5",
            "exports.software_inventory",
        ),
        ("GET", "/api/Machines/BrowserExtensionsInventoryByMachine", "exports.browser_extensions"),
        ("GET", "/api/machines/1e5bc9d7e413ddd7902c2932e418702b84d0cc07", "machines.get"),
        ("GET", "/api/machines/host.contoso.com", "machines.get"),
        ("PATCH", "/api/machines/1e5bc9d7e413ddd7902c2932e418702b84d0cc07", "machines.update"),
        ("GET", "/api/v1.0/alerts", "alerts.list"),
        ("GET", "/API/V1.0/Alerts/da637472900382838869_1364969609", "alerts.get"),
        ("GET", "/api/alerts/", "alerts.list"),
        ("GET", "/api/Alerts?$top=10&$expand=evidence", "alerts.list"),
        ("POST", "/api/advancedqueries/run", "hunting.run"),
        ("POST", "/api/alerts/batchUpdate", "alerts.batch_update"),
        ("POST", "/api/Alerts/CreateAlertByReference", "alerts.create_by_reference"),
        ("GET", "/api/vulnerabilities/machinesVulnerabilities", "vulnerabilities.by_machine"),
        ("GET", "/api/Vulnerabilities/CVE-2019-0608", "vulnerabilities.get"),
        ("GET", "/api/exposureScore/ByMachineGroups", "scores.exposure_by_machine_groups"),
        ("GET", "/api/machineactions/7327b54f/GetPackageUri", "machine_actions.package_uri"),
        ("POST", "/api/indicators/BatchDelete", "indicators.batch_delete"),
        ("POST", "/api/indicators/import", "indicators.import"),
        ("POST", "/api/indicators", "indicators.submit"),
        ("DELETE", "/api/indicators/995", "indicators.delete"),
        ("GET", "/api/public/avdeviceshealth", "device_av_info.list"),
        ("GET", "/api/deviceavinfo", "device_av_info.list"),
        (
            "POST",
            "/api/DeviceAuthenticatedScanDefinitions/BatchDelete",
            "authenticated_scans.batch_delete_definitions",
        ),
        (
            "POST",
            "/api/DeviceAuthenticatedScanDefinitions/GetScanHistoryBySessionId?$top=1",
            "authenticated_scans.history_by_session",
        ),
        (
            "PATCH",
            "/api/DeviceAuthenticatedScanDefinitions/289224fb",
            "authenticated_scans.update_definition",
        ),
        ("get", "/api/machines", "machines.list"),
    ],
)
def test_match_finds_the_documented_endpoint(method: str, path: str, operation: str) -> None:
    assert _op(method, path) == operation


def test_match_prefers_literal_segments_over_parameters() -> None:
    found = match("GET", "/api/machines/findbytag?tag=x")
    assert found is not None
    assert found[0].operation == "machines.find_by_tag"
    assert found[1] == {}


def test_match_captures_findbyip_function_parameters() -> None:
    found = match(
        "GET", "/api/machines/findbyip(ip='10.248.240.38',timestamp=2019-09-22T08:44:05Z)"
    )
    assert found is not None
    assert found[0].operation == "machines.find_by_ip"
    assert found[1] == {"ip": "10.248.240.38", "timestamp": "2019-09-22T08:44:05Z"}


def test_match_decodes_percent_escaped_function_calls() -> None:
    found = match(
        "GET", "/api/machines/FindByIp(ip=%2710.1.2.3%27,timestamp=2024-01-01T00%3A00%3A00Z)"
    )
    assert found is not None
    assert found[1] == {"ip": "10.1.2.3", "timestamp": "2024-01-01T00:00:00Z"}


def test_match_captures_legacy_find_parameters() -> None:
    found = match("GET", "/api/machines/find(timestamp=2018-06-19T10:00:00Z,key='10.166.93.61')")
    assert found is not None
    assert found[0].operation == "machines.find"
    assert found[1] == {"timestamp": "2018-06-19T10:00:00Z", "key": "10.166.93.61"}


def test_match_captures_live_response_result_index() -> None:
    found = match(
        "GET",
        "/api/machineactions/988cc94e-7a8f-4b28-ab65-54a78ad1f937/"
        "GetLiveResponseResultDownloadLink(index=0)",
    )
    assert found is not None
    assert found[0].operation == "machine_actions.live_response_result"
    assert found[1] == {"id": "988cc94e-7a8f-4b28-ab65-54a78ad1f937", "index": "0"}


def test_match_keeps_parameter_case_and_handles_v1_prefix() -> None:
    found = match("GET", "/api/v1.0/MACHINES/AbC123/LogOnUsers/")
    assert found is not None
    assert found[0].operation == "machines.logon_users"
    assert found[1] == {"id": "AbC123"}


def test_match_count_segment_only_after_collections() -> None:
    found = match("GET", "/api/machines/abc/alerts/$count?$filter=status ne 'Resolved'")
    assert found is not None
    assert found[0].operation == "machines.alerts"
    assert is_count_request("/api/machines/abc/alerts/%24count")
    assert not is_count_request("/api/machines/abc/alerts")
    assert match("GET", "/api/alerts/abc/$count") is None  # alerts.get is not a collection


def test_match_returns_none_for_unknown_paths_and_methods() -> None:
    assert match("GET", "/api/nothing") is None
    assert match("DELETE", "/api/alerts/abc") is None
    assert match("GET", "/alerts") is None
    assert match("PUT", "/api/machines/abc") is None


_VALUE = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.", min_size=1, max_size=12)


@given(data=st.data())
def test_every_endpoint_matches_its_own_template(data: st.DataObject) -> None:
    e: Endpoint = data.draw(st.sampled_from(ENDPOINTS))
    template: str = data.draw(st.sampled_from(e.paths))
    # A "p-" prefix keeps values from spelling a literal segment such as "findbytag".
    values = {name: "p-" + data.draw(_VALUE) for name in re.findall(r"{(\w+)}", template)}
    path = template.format(**values)
    path = "".join(c.upper() if data.draw(st.booleans()) else c for c in path)
    if data.draw(st.booleans()):
        path = "/api/v1.0" + path[len("/api") :]
    if data.draw(st.booleans()):
        path += "/"
    found = match(e.method.lower(), path)
    assert found is not None
    assert found[0] is e
    assert {k: v.lower() for k, v in found[1].items()} == values


# --- permissions -------------------------------------------------------------------------


def _assert_unique_canonical_guids(ids: list[str]) -> None:
    assert len(ids) == len(set(ids))
    for value in ids:
        assert str(uuid.UUID(value)) == value


def test_role_and_scope_ids_are_valid_unique_lowercase_guids() -> None:
    for api in RESOURCE_APIS:
        _assert_unique_canonical_guids([role.id for role in api.app_roles])
        _assert_unique_canonical_guids([scope.id for scope in api.scopes])
        values = [role.value.lower() for role in api.app_roles]
        assert len(values) == len(set(values))


def test_defender_publishes_the_permission_index() -> None:
    section_4 = {
        "Alert.Read.All": "71fe6b80-7034-4028-9ed8-0f316df9c3ff",
        "Alert.ReadWrite.All": "0f7000ec-157b-497f-b70e-ef0b0584f140",
        "Machine.Read.All": "ea8291d3-4b9a-44b5-bc3a-6cea3026dc79",
        "Machine.ReadWrite.All": "aa027352-232b-4ed4-b963-a705fc4d6d2c",
        "Machine.Isolate": "7e4e1300-e1b9-4102-88ba-f0cb6e6d5974",
        "Machine.RestrictExecution": "96b6b35d-074d-4e2d-b167-8d68d9269648",
        "Machine.Scan": "a86d9824-b2b6-45f8-b042-16bc4922ed4e",
        "Machine.CollectForensics": "15405ab2-2103-4a3c-ad80-e829841cedcc",
        "Machine.Offboard": "594435bf-36dd-4548-83bd-1bdafe157d7a",
        "Machine.StopAndQuarantine": "96e72b5e-7e68-4171-aad1-3937599e4751",
        "Machine.LiveResponse": "1629b959-c0af-42a1-92f0-f6162060bdf1",
        "AdvancedQuery.Read.All": "93489bf5-0fbc-4f2d-b901-33f2fe08ff05",
        "Ti.ReadWrite": "a8bc2240-f96a-46a1-bad5-6a960b7327a1",
        "Ti.ReadWrite.All": "fc511a58-3adf-4d71-af24-00f13e35e479",
        "File.Read.All": "8788f1a9-beca-4e26-ba58-10513f3b896f",
        "Ip.Read.All": "47bf842d-354b-49ef-b741-3a6dd815bc13",
        "URL.Read.All": "721af526-ffa8-42d7-9b84-1a56244dd99d",
        "User.Read.All": "a833834a-4cf1-4732-8acf-bbcfa13fb610",
        "Vulnerability.Read.All": "41269fc5-d04d-4bfd-bce7-43a51cea049a",
        "Software.Read.All": "37f71c98-d198-41ae-964d-2c49aab74926",
        "SecurityRecommendation.Read.All": "6443965c-7dd2-4cfd-b38f-bb7772bee163",
        "Score.Read.All": "02b005dd-f804-43b4-8fc7-078460413f74",
        "RemediationTasks.Read.All": "6a33eedf-ba73-4e5a-821b-f057ef63853a",
        "SecurityBaselinesAssessment.Read.All": "e870c0c1-c1a2-41ca-948e-a33912d2d3f0",
        "Library.Manage": "41d209c7-2511-4fc9-b899-8008a3976f09",
    }
    for value, role_id in section_4.items():
        role = DEFENDER.role(value)
        assert role is not None, value
        assert role.id == role_id
        assert role.is_application_permission
        assert DEFENDER.role_by_id(role_id.upper()) is role


def test_defender_also_has_the_roles_seen_in_full_permission_tokens() -> None:
    for value in ("Ti.Read.All", "SecurityConfiguration.Read.All", "Event.Write"):
        assert DEFENDER.role(value) is not None
    portal_only = DEFENDER.role("secop")
    assert portal_only is not None
    assert not portal_only.is_application_permission
    assert portal_only not in DEFENDER.application_roles


def test_graph_roles_mdekit_needs() -> None:
    expected = {
        "Application.ReadWrite.All": "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
        "Application.ReadWrite.OwnedBy": "18a4783c-866b-4cc7-a460-3d5e5662c884",
        "Application.Read.All": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
        "AppRoleAssignment.ReadWrite.All": "06b708a9-e830-4db3-a914-8e69da51d44f",
        "Directory.Read.All": "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
        "ThreatHunting.Read.All": "dd98c7f5-2d42-42d3-a0e4-633161547251",
        "SecurityAlert.Read.All": "472e4a4d-bb4a-4026-98d1-0b0d74cb74a5",
        "SecurityAlert.ReadWrite.All": "ed4fca05-be46-441f-9803-1873825f8fdb",
        "SecurityIncident.Read.All": "45cc0394-e837-488b-a098-1918f48d186c",
    }
    assert {role.value: role.id for role in GRAPH.app_roles} == expected


def test_find_and_suggest_permission() -> None:
    found = find_permission("machine.isolate")
    assert found is not None
    assert found[0] is DEFENDER
    assert found[1].value == "Machine.Isolate"
    assert find_permission("Directory.Read.All") == (GRAPH, GRAPH.app_roles[4])
    assert find_permission("Nope.Read.All") is None
    assert suggest_permission("Alerts.Read.All") == "Alert.Read.All"
    assert suggest_permission("Alerts.ReadWrite.All") == "Alert.ReadWrite.All"
    assert suggest_permission("Machine.Isolat") == "Machine.Isolate"
    assert suggest_permission("zzzz") is None
    assert published_spelling("RemediationTask.Read") == "RemediationTasks.Read"
    assert published_spelling("Alert.Read.All") is None


def test_endpoints_for_role() -> None:
    isolating = {e.operation for e in endpoints_for_role("machine.isolate")}
    assert isolating == {"machines.isolate", "machines.unisolate", "machine_actions.cancel"}
    hunting = {e.operation for e in endpoints_for_role("AdvancedQuery.Read.All")}
    assert hunting == {"hunting.run"}


def test_resource_identifiers() -> None:
    assert resource_for("https://api.securitycenter.microsoft.com/") is DEFENDER
    assert resource_for("HTTPS://securitycenter.onmicrosoft.com/windowsatpservice") is DEFENDER
    assert resource_for(DEFENDER.app_id) is DEFENDER
    assert resource_for("https://graph.microsoft.com") is GRAPH
    # The newest API host is, as a token audience, another service principal.
    assert resource_for("https://api.security.microsoft.com") is THREAT_PROTECTION
    assert resource_for("https://example.com") is None


# --- clouds ------------------------------------------------------------------------------


def test_cloud_table_against_gov_md() -> None:
    assert set(CLOUDS) == {"global", "us", "eu", "uk", "au", "gcc", "gcc-high", "dod"}
    gcc, high, dod = cloud("gcc"), cloud("GCC-High"), cloud("dod")
    assert gcc.login_url == "https://login.microsoftonline.com"
    assert gcc.api_url == "https://api-gcc.securitycenter.microsoft.us"
    assert high.login_url == dod.login_url == "https://login.microsoftonline.us"
    assert high.api_url == dod.api_url == "https://api-gov.securitycenter.microsoft.us"
    assert dod.portal_url == "https://security.apps.mil"
    assert cloud("eu").api_url == "https://eu.api.security.microsoft.com"
    assert cloud("global").defender_scope == "https://api.securitycenter.microsoft.com/.default"


def test_every_cloud_is_consistent_with_the_other_tables() -> None:
    for c in CLOUDS.values():
        assert c.login_url.removeprefix("https://") in MICROSOFT_LOGIN_HOSTS, c.name
        assert c.api_url.removeprefix("https://") in DEFENDER_API_HOSTS, c.name
        assert resource_for(c.defender_resource) is DEFENDER, c.name
        assert resource_for(c.graph_url) is GRAPH, c.name


def test_unknown_cloud_names_the_choices() -> None:
    with pytest.raises(KeyError, match="gcc-high"):
        cloud("mars")
