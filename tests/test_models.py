"""Wire models against the JSON examples of the Defender docs (facts copied, trimmed).

Sources: MicrosoftDocs/defender-docs, defender-endpoint/api/*.md. Where a doc example is
not valid JSON (`"osPlatform": "Windows10" "Windows11"`), the typo is fixed here."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from mdekit.models import (
    ALERT_STATUSES,
    EVIDENCE_KEYS,
    Alert,
    ApiErrorBody,
    AssetSoftware,
    AssetVulnerability,
    Evidence,
    ExportFilesResponse,
    File,
    FileStats,
    Indicator,
    IndicatorImportResult,
    Investigation,
    IpStats,
    IsolateRequest,
    Kb,
    LibraryFile,
    LiveResponseRequest,
    Machine,
    MachineAction,
    Page,
    QueryResponse,
    Recommendation,
    RemediationTask,
    ScanDefinition,
    Score,
    Software,
    TokenError,
    TokenResponseV1,
    TokenResponseV2,
    User,
    Vulnerability,
    WireDateTime,
    format_wire_datetime,
    parse_token_response,
)

ISO_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")

ALERT = json.loads(r"""{
 "id": "da637472900382838869_1364969609", "incidentId": 1126093, "investigationId": null,
 "assignedTo": null, "severity": "Low", "status": "New", "classification": null,
 "determination": null, "investigationState": "Queued", "detectionSource": "WindowsDefenderAtp",
 "detectorId": "17e10bbc-3a68-474a-8aad-faef14d43952", "category": "Execution",
 "threatFamilyName": null,
 "title": "Low-reputation arbitrary code executed by signed executable",
 "description": "Binaries signed by Microsoft can be used to run low-reputation arbitrary code.",
 "alertCreationTime": "2021-01-26T20:33:57.7220239Z",
 "firstEventTime": "2021-01-26T20:31:32.9562661Z", "lastEventTime": "2021-01-26T20:31:33.0577322Z",
 "lastUpdateTime": "2021-01-26T20:33:59.2Z", "resolvedTime": null,
 "machineId": "111e6dd8c833c8a052ea231ec1b19adaf497b625",
 "computerDnsName": "temp123.middleeast.corp.microsoft.com", "rbacGroupName": "A",
 "aadTenantId": "a839b112-1253-6432-9bf6-94542403f21c", "threatName": null,
 "mitreTechniques": ["T1064", "T1085", "T1220"],
 "relatedUser": {"userName": "temp123", "domainName": "DOMAIN"},
 "comments": [{"comment": "test comment for docs", "createdBy": "secop123@contoso.com",
               "createdTime": "2021-01-26T01:00:37.8404534Z"}],
 "evidence": [
  {"entityType": "User", "evidenceCreationTime": "2021-01-26T20:33:58.42Z", "sha1": null,
   "sha256": null, "fileName": null, "filePath": null, "processId": null,
   "processCommandLine": null, "processCreationTime": null, "parentProcessId": null,
   "parentProcessCreationTime": null, "parentProcessFileName": null,
   "parentProcessFilePath": null, "ipAddress": null, "url": null, "registryKey": null,
   "registryHive": null, "registryValueType": null, "registryValue": null,
   "accountName": "name", "domainName": "DOMAIN",
   "userSid": "S-1-5-21-11111607-1111760036-109187956-75141",
   "aadUserId": "11118379-2a59-1111-ac3c-a51eb4a3c627",
   "userPrincipalName": "temp123@microsoft.com", "detectionStatus": null},
  {"entityType": "Process", "evidenceCreationTime": "2021-01-26T20:33:58.6133333Z",
   "sha1": "ff836cfb1af40252bd2a2ea843032e99a5b262ed",
   "sha256": "a4752c71d81afd3d5865d24ddb11a6b0c615062fcc448d24050c2172d2cbccd6",
   "fileName": "rundll32.exe", "filePath": "C:\\Windows\\SysWOW64", "processId": 3276,
   "processCommandLine": "rundll32.exe  c:\\temp\\suspicious.dll,RepeatAfterMe",
   "processCreationTime": "2021-01-26T20:31:32.9581596Z", "parentProcessId": 8420,
   "parentProcessCreationTime": "2021-01-26T20:31:32.9004163Z",
   "parentProcessFileName": "rundll32.exe", "parentProcessFilePath": "C:\\Windows\\System32",
   "ipAddress": null, "url": null, "registryKey": null, "registryHive": null,
   "registryValueType": null, "registryValue": null, "accountName": null, "domainName": null,
   "userSid": null, "aadUserId": null, "userPrincipalName": null, "detectionStatus": "Detected"}
 ]
}""")

MACHINE = json.loads("""{
 "@odata.context": "https://api.security.microsoft.com/api/$metadata#Machine",
 "id": "1e5bc9d7e413ddd7902c2932e418702b84d0cc07", "computerDnsName": "mymachine1.contoso.com",
 "firstSeen": "2018-08-02T14:55:03.7791856Z", "lastSeen": "2018-08-02T14:55:03.7791856Z",
 "osPlatform": "Windows10", "version": "1709", "osProcessor": "x64",
 "lastIpAddress": "172.17.230.209", "lastExternalIpAddress": "167.220.196.71", "osBuild": 18209,
 "healthStatus": "Active", "rbacGroupId": 140, "rbacGroupName": "The-A-Team", "riskScore": "Low",
 "exposureLevel": "Medium", "isAadJoined": true,
 "aadDeviceId": "80fe8ff8-2624-418e-9591-41f0491218f9",
 "machineTags": ["test tag 1", "test tag 2"]
}""")

ACTIONS_PAGE = json.loads("""{
 "@odata.context": "https://api.securitycenter.microsoft.com/api/$metadata#MachineActions",
 "value": [
  {"id": "69dc3630-1ccc-4342-acf3-35286eec741d", "type": "CollectInvestigationPackage",
   "scope": null, "requestor": "Analyst@contoso.com", "requestorComment": "test",
   "status": "Succeeded", "machineId": "f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f",
   "computerDnsName": "desktop-39g9tgl", "creationDateTimeUtc": "2018-12-04T12:43:57.2011911Z",
   "lastUpdateTimeUtc": "2018-12-04T12:45:25.4049122Z", "relatedFileInfo": null},
  {"id": "44cffc15-0e3d-4cbf-96aa-bf76f9b27f5e", "type": "StopAndQuarantineFile",
   "scope": null, "requestor": "Analyst@contoso.com", "requestorComment": "test",
   "status": "Succeeded", "machineId": "f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f",
   "computerDnsName": "desktop-39g9tgl", "creationDateTimeUtc": "2018-12-04T12:15:40.6052029Z",
   "lastUpdateTimeUtc": "2018-12-04T12:16:14.2899973Z",
   "relatedFileInfo": {"fileIdentifier": "a0c659857ccbe457fdaf5fe21d54efdcbf6f6508",
                       "fileIdentifierType": "Sha1"}}
 ]
}""")

ACTION = json.loads("""{
 "id": "5382f7ea-7557-4ab7-9782-d50480024a4e", "type": "Isolate", "scope": "Selective",
 "requestor": "Analyst@TestPrd.onmicrosoft.com", "requestorComment": "test for docs",
 "status": "Succeeded", "machineId": "7b1f4967d9728e5aa3c06a9e617a22a4a5a17378",
 "computerDnsName": "desktop-test", "creationDateTimeUtc": "2019-01-02T14:39:38.2262283Z",
 "lastUpdateDateTimeUtc": "2019-01-02T14:40:44.6596267Z", "relatedFileInfo": null
}""")

LIVE_RESPONSE_ACTION = json.loads("""{
 "@odata.context": "https://api.securitycenter.microsoft.com/api/$metadata#MachineActions/$entity",
 "id": "{machine_action_id}", "type": "LiveResponse", "requestor": "analyst@microsoft.com",
 "requestorComment": "Testing Live Response API", "status": "Pending",
 "machineId": "{machine_id}", "computerDnsName": "hostname",
 "creationDateTimeUtc": "2021-02-04T15:36:52.7788848Z",
 "lastUpdateDateTimeUtc": "2021-02-04T15:36:52.7788848Z", "errorHResult": 0,
 "commands": [{"index": 0, "startTime": null, "endTime": null, "commandStatus": "Created",
   "errors": [], "command": {"type": "RunScript", "params": [
     {"key": "ScriptName", "value": "minidump.ps1"},
     {"key": "Args", "value": "OfficeClickToRun"}]}}]
}""")

USER = json.loads(r"""{
 "@odata.context": "https://api.securitycenter.microsoft.com/api/$metadata#Users/$entity",
 "id": "contoso\\user1", "accountName": "user1", "accountDomain": "contoso",
 "accountSid": "S-1-5-21-72051607-1745760036-109187956-93922",
 "firstSeen": "2019-12-08T06:33:39Z", "lastSeen": "2020-01-05T06:58:34Z",
 "mostPrevalentMachineId": "0111b647235c26159bec3e5eb6c8c3a0cc3ab766",
 "leastPrevalentMachineId": "0111b647235c26159bec3e5eb6c8c3a0cc3ab766",
 "logonTypes": "Network", "logOnMachinesCount": 1, "isDomainAdmin": false,
 "isOnlyNetworkUser": false
}""")

INDICATOR = json.loads("""{
 "id": "994", "indicatorValue": "881c0f10c75e64ec39d257a131fcd531f47dd2cff2070ae94baa347d375126fd",
 "indicatorType": "FileSha256", "action": "AlertAndBlock", "application": null,
 "source": "user@contoso.onmicrosoft.com", "sourceType": "User",
 "createdBy": "user@contoso.onmicrosoft.com", "severity": "Informational",
 "title": "Michael test", "description": "test", "recommendedActions": "nothing",
 "creationTimeDateTimeUtc": "2019-12-19T09:09:46.9139216Z", "expirationTime": null,
 "lastUpdateTime": "2019-12-19T09:09:47.3358111Z", "lastUpdatedBy": null,
 "rbacGroupNames": ["team1"]
}""")

FILE = json.loads("""{
 "@odata.context": "https://api.security.microsoft.com/api/$metadata#Files/$entity",
 "sha1": "4388963aaa83afe2042a46a3c017ad50bdcdafb3",
 "sha256": "413c58c8267d2c8648d8f6384bacc2ae9c929b2b96578b6860b5087cd1bd6462",
 "globalPrevalence": 180022, "globalFirstObserved": "2017-09-19T03:51:27.6785431Z",
 "globalLastObserved": "2020-01-06T03:59:21.3229314Z", "size": 22139496, "fileType": "APP",
 "isPeFile": true, "filePublisher": "CHENGDU YIWO Tech Development Co., Ltd.",
 "fileProductName": "EaseUS MobiSaver for Android",
 "signer": "CHENGDU YIWO Tech Development Co., Ltd.",
 "issuer": "VeriSign Class 3 Code Signing 2010 CA",
 "signerHash": "6c3245d4a9bc0244d99dff27af259cbbae2e2d16", "isValidCertificate": false,
 "determinationType": "Pua", "determinationValue": "PUA:Win32/FusionCore"
}""")

HUNTING = json.loads("""{
 "Schema": [{"Name": "Timestamp", "Type": "DateTime"}, {"Name": "FileName", "Type": "String"},
            {"Name": "DeviceId", "Type": "String"}],
 "Results": [{"Timestamp": "2020-02-05T01:10:26.2648757Z", "FileName": "csc.exe",
              "DeviceId": "10cbf9182d4e95660362f65cfa67c7731f62fdb3"}]
}""")

SOFTWARE_ROW = json.loads(r"""{
 "deviceId": "00044f68765bbaf712342dbe6db733b6a9c59ab4", "rbacGroupName": "hhh",
 "deviceName": "computerpii.corp.contoso.com", "osPlatform": "Windows10",
 "softwareVendor": "microsoft", "softwareName": ".net_framework", "softwareVersion": "4.0.0.0",
 "numberOfWeaknesses": 0, "diskPaths": [],
 "registryPaths": ["SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4.0\\Client\\Install"],
 "softwareFirstSeenTimestamp": "2020-12-30 11:07:15", "endOfSupportStatus": "None",
 "endOfSupportDate": "2021-05-11T00:00:00+00:00"
}""")


def test_alert_example_parses_with_documented_shapes() -> None:
    alert = Alert.model_validate(ALERT)
    assert alert.status in ALERT_STATUSES
    assert alert.mitre_techniques == ["T1064", "T1085", "T1220"]
    assert alert.related_user is not None
    assert alert.related_user.user_name == "temp123"
    assert alert.alert_creation_time == datetime(2021, 1, 26, 20, 33, 57, 722023, tzinfo=UTC)
    assert alert.comments[0].created_by == "secop123@contoso.com"
    process = alert.evidence[1]
    assert (process.entity_type, process.process_id, process.parent_process_id) == (
        "Process",
        3276,
        8420,
    )
    assert process.file_path == "C:\\Windows\\SysWOW64"


def test_evidence_dump_has_every_key_in_order() -> None:
    evidence = Evidence.model_validate(ALERT["evidence"][0])
    assert tuple(evidence.model_dump(by_alias=True)) == EVIDENCE_KEYS


@pytest.mark.parametrize(
    ("model", "body"),
    [
        (Alert, ALERT),
        (Machine, MACHINE),
        (MachineAction, ACTION),
        (MachineAction, LIVE_RESPONSE_ACTION),
        (User, USER),
        (Indicator, INDICATOR),
        (File, FILE),
        (QueryResponse, HUNTING),
    ],
)
def test_doc_examples_round_trip_exactly(model: type[BaseModel], body: dict[str, Any]) -> None:
    parsed = model.model_validate(body)
    dumped = parsed.model_dump(by_alias=True, exclude_unset=True, mode="json")
    # Datetimes come back in the 7-digit form at microsecond precision; the rest is equal.
    assert _same_instants(dumped) == _same_instants(body)


def _same_instants(value: Any) -> Any:
    """Replace every ISO datetime string by the instant it names, to the microsecond."""
    if isinstance(value, dict):
        return {key: _same_instants(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_same_instants(item) for item in value]
    if isinstance(value, str) and ISO_DATETIME.fullmatch(value):
        return TypeAdapter(WireDateTime).validate_python(value)
    return value


def test_unknown_fields_survive_a_round_trip() -> None:
    body = dict(MACHINE, futureField={"nested": [1, 2]}, anotherNewFlag=True)
    machine = Machine.model_validate(body)
    dumped = machine.model_dump(by_alias=True, exclude_unset=True)
    assert dumped["futureField"] == {"nested": [1, 2]}
    assert dumped["anotherNewFlag"] is True
    assert dumped["@odata.context"].endswith("#Machine")
    evidence = dict(ALERT["evidence"][0], newEvidenceKey="x")
    alert = Alert.model_validate(dict(ALERT, evidence=[evidence], loggedOnUsers=[]))
    again = alert.model_dump(by_alias=True, exclude_unset=True)
    assert again["evidence"][0]["newEvidenceKey"] == "x"


def test_machine_rbac_group_id_accepts_number_or_string() -> None:
    assert Machine.model_validate(MACHINE).rbac_group_id == 140
    assert Machine.model_validate(dict(MACHINE, rbacGroupId="140")).rbac_group_id == "140"


def test_both_last_update_spellings_are_read_and_written_back() -> None:
    page = Page[MachineAction].model_validate(ACTIONS_PAGE)
    listed = page.value[0]
    assert listed.last_update_date_time_utc == datetime(2018, 12, 4, 12, 45, 25, 404912, tzinfo=UTC)
    assert "lastUpdateTimeUtc" in listed.model_dump(by_alias=True, exclude_unset=True)
    single = MachineAction.model_validate(ACTION)
    assert single.last_update_date_time_utc is not None
    dumped = single.model_dump(by_alias=True, exclude_unset=True)
    assert "lastUpdateDateTimeUtc" in dumped
    assert "lastUpdateTimeUtc" not in dumped
    built = MachineAction(id="x", last_update_date_time_utc=datetime(2024, 1, 1, tzinfo=UTC))
    assert built.model_dump(by_alias=True)["lastUpdateDateTimeUtc"] is not None
    assert page.value[1].related_file_info is not None
    assert page.value[1].related_file_info.file_identifier_type == "Sha1"


def test_irregular_wire_names() -> None:
    indicator = Indicator.model_validate(INDICATOR)
    assert indicator.creation_time_date_time_utc is not None
    dumped = Indicator(external_id="abc").model_dump(by_alias=True, exclude_none=True)
    assert "externalID" in dumped
    action = MachineAction.model_validate(LIVE_RESPONSE_ACTION)
    assert action.error_h_result == 0
    assert action.commands is not None
    assert action.commands[0].command is not None
    assert action.commands[0].command.params[0].value == "minidump.ps1"
    definition = ScanDefinition.model_validate(
        {
            "scanType": "Windows",
            "scanAuthenticationParams": {
                "@odata.type": "#microsoft.windowsDefenderATP.api.WindowsAuthParams",
                "type": "Kerberos",
                "isGmsaUser": True,
            },
        }
    )
    assert definition.scan_authentication_params is not None
    assert definition.scan_authentication_params.is_gmsa_user is True
    out = definition.model_dump(by_alias=True, exclude_unset=True)
    assert out["scanAuthenticationParams"]["@odata.type"].endswith("WindowsAuthParams")


def test_pascal_case_request_bodies() -> None:
    assert IsolateRequest(comment="c", isolation_type="Full").model_dump(by_alias=True) == {
        "Comment": "c",
        "IsolationType": "Full",
    }
    body = LiveResponseRequest.model_validate(
        {
            "Comment": "x",
            "Commands": [{"type": "GetFile", "params": [{"key": "Path", "value": "C:\\a"}]}],
        }
    )
    assert body.model_dump(by_alias=True)["Commands"][0]["params"][0]["key"] == "Path"


def test_datetimes_export_row_form_and_naive_means_utc() -> None:
    row = AssetSoftware.model_validate(SOFTWARE_ROW)
    assert row.software_first_seen_timestamp == datetime(2020, 12, 30, 11, 7, 15, tzinfo=UTC)
    assert row.end_of_support_date == datetime(2021, 5, 11, tzinfo=UTC)
    assert row.model_dump(mode="json", by_alias=True)["softwareFirstSeenTimestamp"] == (
        "2020-12-30 11:07:15"
    )
    vuln_row = AssetVulnerability.model_validate(
        {"firstSeenTimestamp": "2021-01-11 09:47:58.854", "cveId": None}
    )
    assert vuln_row.first_seen_timestamp == datetime(2021, 1, 11, 9, 47, 58, 854000, tzinfo=UTC)
    assert vuln_row.model_dump(mode="json", by_alias=True)["firstSeenTimestamp"] == (
        "2021-01-11 09:47:58.854"
    )


@given(st.datetimes(timezones=st.just(UTC)))
def test_wire_datetime_format_parses_back_to_the_same_instant(moment: datetime) -> None:
    text = format_wire_datetime(moment)
    assert text.endswith("Z")
    assert len(text.split(".")[1]) == 8  # 7 digits + Z
    action = MachineAction.model_validate({"id": "a", "creationDateTimeUtc": text})
    assert action.creation_date_time_utc == moment


def test_hunting_response_and_small_entities() -> None:
    response = QueryResponse.model_validate(HUNTING)
    assert response.column_names() == ["Timestamp", "FileName", "DeviceId"]
    assert response.results[0]["FileName"] == "csc.exe"
    stats = FileStats.model_validate(
        {
            "sha1": "0991a395da64e1c5fbe8732ed11e6be064081d9f",
            "organizationPrevalence": 14850,
            "globallyPrevalence": 705012,
            "topFileNames": ["MREC.exe"],
        }
    )
    assert stats.globally_prevalence == 705012
    assert IpStats.model_validate({"ipAddress": "10.209.67.177", "organizationPrevalence": 63515})
    investigation = Investigation.model_validate(
        {
            "id": "63004",
            "startTime": "2020-01-06T13:05:15Z",
            "endTime": None,
            "state": "Running",
            "triggeringAlertId": "da637139127150012465_1011995739",
        }
    )
    assert investigation.state == "Running"
    imported = IndicatorImportResult.model_validate(
        {
            "id": "2841",
            "indicator": "220e7d15b011d7fac48f2bd61114db1022197f7f",
            "isFailed": False,
            "failureReason": None,
        }
    )
    assert imported.is_failed is False


def test_tvm_examples() -> None:
    vulnerability = Vulnerability.model_validate(
        {
            "id": "CVE-2019-0608",
            "severity": "Medium",
            "cvssV3": 4.3,
            "exposedMachines": 4,
            "publishedOn": "2019-10-08T00:00:00Z",
            "publicExploit": False,
            "exploitTypes": [],
        }
    )
    assert vulnerability.cvss_v3 == pytest.approx(4.3)
    software = Software.model_validate(
        {
            "id": "microsoft-_-edge",
            "name": "edge",
            "vendor": "microsoft",
            "weaknesses": 467,
            "impactScore": 2.39947438,
        }
    )
    assert software.weaknesses == 467
    recommendation = Recommendation.model_validate(
        {
            "id": "va-_-google-_-chrome",
            "exposureImpact": 3.9441860465116285,
            "tags": ["internetFacing"],
            "exposedCriticalDevices": 116,
        }
    )
    assert recommendation.tags == ["internetFacing"]
    task = RemediationTask.model_validate(
        {
            "id": "03942ef5-aecb-4c6e-b555-d6a97013844c",
            "dueOn": "2021-02-11T00:00:00Z",
            "rbacGroupNames": ["UnassignedGroup", "hhh"],
            "fixedDevices": 2866,
        }
    )
    assert task.fixed_devices == 2866
    kbs = Page[Kb].model_validate(
        {
            "@odata.context": "x#Collection(microsoft.windowsDefenderATP.api.PublicProductFixDto)",
            "value": [
                {
                    "id": "4540673",
                    "productsNames": ["windows_10", "edge"],
                    "machineMissedOn": 1,
                    "cveAddressed": 97,
                }
            ],
        }
    )
    assert kbs.value[0].cve_addressed == 97
    assert not kbs.has_next
    score = Score.model_validate({"time": "2019-12-03T07:23:53.280499Z", "score": 33.49})
    assert score.score == pytest.approx(33.49)
    files = ExportFilesResponse.model_validate(
        {"exportFiles": ["https://a/1.json.gz"], "generatedTime": "2021-01-11T11:01:00Z"}
    )
    assert files.export_files == ["https://a/1.json.gz"]
    library = LibraryFile.model_validate(
        {"fileName": "script1.ps1", "hasParameters": True, "parametersDescription": "test"}
    )
    assert library.has_parameters is True


def test_page_next_link_and_typed_items() -> None:
    page = Page[Machine].model_validate(
        {
            "@odata.context": "x#Machines",
            "value": [MACHINE],
            "@odata.nextLink": "https://api/machines?$skiptoken=abc",
        }
    )
    assert page.has_next
    assert isinstance(page.value[0], Machine)
    assert page.model_dump(by_alias=True, exclude_unset=True)["@odata.nextLink"].endswith("abc")
    with pytest.raises(ValidationError):
        Page[Machine].model_validate({"value": [{"computerDnsName": "no id"}]})


def test_error_bodies() -> None:
    api = ApiErrorBody.model_validate(
        {
            "error": {
                "code": "ResourceNotFound",
                "message": "Machine 123123123 was not found",
                "target": "43f4cb08-8fac-4b65-9db1-745c2ae65f3a",
            }
        }
    )
    assert api.error.code == "ResourceNotFound"
    token = TokenError.model_validate(
        {
            "error": "invalid_client",
            "error_description": "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: t",
            "error_codes": [7000215],
            "timestamp": "2023-05-06 06:03:00Z",
            "trace_id": "t",
            "correlation_id": "c",
            "error_uri": "https://login.microsoftonline.com/error?code=7000215",
        }
    )
    assert token.aadsts_code == 7000215
    assert "error_description" in token.model_dump(by_alias=True)
    bare = TokenError.model_validate(
        {"error": "invalid_scope", "error_description": "AADSTS70011: x"}
    )
    assert bare.aadsts_code == 70011


def test_token_responses_keep_v1_strings_and_v2_numbers() -> None:
    v1_body = {
        "token_type": "Bearer",
        "expires_in": "3599",
        "ext_expires_in": "3599",
        "expires_on": "1622089429",
        "not_before": "1622085529",
        "resource": "https://api.securitycenter.microsoft.com",
        "access_token": "eyJ",
    }
    v1 = parse_token_response(v1_body)
    assert isinstance(v1, TokenResponseV1)
    assert v1.expires_in_seconds == 3599
    assert v1.model_dump(exclude_unset=True) == v1_body
    v2 = parse_token_response(
        {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": "e"}
    )
    assert isinstance(v2, TokenResponseV2)
    assert v2.model_dump(exclude_none=True)["expires_in"] == 3599
    with pytest.raises(ValidationError):
        TokenResponseV1.model_validate(dict(v1_body, expires_in=3599))
