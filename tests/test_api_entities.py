"""Files, IPs, domains and users (defender-api.md §5.7): profiles, related alerts and devices,
prevalence statistics with lookBackHours; logged-on users and find-by-IP over the world's
logon and address history that seeding stores."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.support.emulators import InProcess, in_process
from tests.support.role_apps import role_app

CONTEXT = "https://emulator.test/api/$metadata#"


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    """A world with enough alerts that files, IPs, URLs and users all show in evidence."""
    with in_process(
        tmp_path_factory.mktemp("entities"), quotas=False, machines=40, alerts=240
    ) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def token(emu: InProcess) -> str:
    return emu.token()


@pytest.fixture(scope="module")
def alerts(emu: InProcess, token: str) -> list[dict[str, Any]]:
    body = emu.api("GET", "/api/alerts", token, params={"$expand": "evidence"}).json()
    found: list[dict[str, Any]] = body["value"]
    assert len(found) == 240
    return found


def get(emu: InProcess, token: str, path: str, **params: Any) -> Any:
    response = emu.api("GET", path, token, params=params)
    assert response.status_code == 200, (path, response.text)
    return response.json()


def ids(body: dict[str, Any]) -> set[str]:
    return {item["id"] for item in body["value"]}


def wire_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def evidence(alert: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = alert["evidence"]
    return items


# -- files ---------------------------------------------------------------------------------


def file_hashes(alerts: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """sha1 -> (sha256, file name) of the files evidence shows."""
    return {
        e["sha1"]: (e["sha256"], e["fileName"]) for a in alerts for e in evidence(a) if e["sha1"]
    }


def file_sightings(
    alerts: list[dict[str, Any]], sha1: str, name: str
) -> list[tuple[str, str, datetime]]:
    """(alert id, machine id, first event) of alerts showing the file or a process it ran."""
    return [
        (a["id"], a["machineId"], wire_time(a["firstEventTime"]))
        for a in alerts
        if any(
            e["sha1"] == sha1 or (e["parentProcessFileName"] or "").lower() == name.lower()
            for e in evidence(a)
        )
    ]


def test_file_profile_by_sha1_or_sha256_in_any_case(
    emu: InProcess, token: str, alerts: list[dict[str, Any]]
) -> None:
    sha1, (sha256, _name) = next(iter(file_hashes(alerts).items()))
    by_sha1 = get(emu, token, f"/api/files/{sha1.upper()}")
    assert by_sha1["@odata.context"] == CONTEXT + "Files/$entity"
    assert (by_sha1["sha1"], by_sha1["sha256"]) == (sha1, sha256)
    by_sha256 = get(emu, token, f"/api/files/{sha256}")
    assert by_sha256 == by_sha1
    assert {"globalPrevalence", "isPeFile", "signer", "determinationType"} <= set(by_sha1)


@pytest.mark.parametrize("suffix", ["", "/stats"])
def test_unknown_file_is_404_and_a_non_hash_is_400(emu: InProcess, token: str, suffix: str) -> None:
    unknown = emu.api("GET", f"/api/files/{'ab' * 20}{suffix}", token)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "ResourceNotFound"
    bad = emu.api("GET", f"/api/files/notahash{suffix}", token)
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "InvalidInput"


@pytest.mark.parametrize("key", ["ab" * 20, "notahash", "cd" * 32])
def test_related_lookups_of_an_unknown_file_are_empty(emu: InProcess, token: str, key: str) -> None:
    for related in ("alerts", "machines"):
        body = get(emu, token, f"/api/files/{key}/{related}")
        assert body["value"] == []
        assert body["@odata.context"] == CONTEXT + related.capitalize()


def test_file_alerts_and_machines_follow_the_evidence(
    emu: InProcess, token: str, alerts: list[dict[str, Any]]
) -> None:
    for sha1, (_sha256, name) in list(file_hashes(alerts).items())[:6]:
        seen = file_sightings(alerts, sha1, name)
        related = get(emu, token, f"/api/files/{sha1}/alerts")
        assert ids(related) == {alert_id for alert_id, _, _ in seen}
        assert all(item["evidence"] == [] for item in related["value"])
        machines = get(emu, token, f"/api/files/{sha1}/machines")
        assert ids(machines) == {machine_id for _, machine_id, _ in seen}
        assert machines["@odata.context"] == CONTEXT + "Machines"


def test_file_stats_count_devices_in_the_look_back_window(
    emu: InProcess, token: str, alerts: list[dict[str, Any]]
) -> None:
    now = emu.emulator.clock.now()
    for sha1, (_sha256, name) in list(file_hashes(alerts).items())[:6]:
        profile = get(emu, token, f"/api/files/{sha1}")
        seen = file_sightings(alerts, sha1, name)
        for hours in (None, 720, 240, 1):
            params = {} if hours is None else {"lookBackHours": hours}
            stats = get(emu, token, f"/api/files/{sha1}/stats", **params)
            since = now - timedelta(hours=hours or 720)
            inside = [s for s in seen if since <= s[2] <= now + timedelta(minutes=1)]
            assert stats["@odata.context"] == (
                CONTEXT + "microsoft.windowsDefenderATP.api.InOrgFileStats"
            )
            assert stats["sha1"] == sha1
            assert stats["organizationPrevalence"] == len({s[1] for s in inside})
            assert stats["globallyPrevalence"] == profile["globalPrevalence"]
            assert stats["globalFirstObserved"] == profile["globalFirstObserved"]
            if inside:
                first = min(s[2] for s in inside).strftime("%Y-%m-%dT%H:%M:%SZ")
                assert stats["orgFirstSeen"] == first
                assert stats["topFileNames"] == [name]
            else:
                assert (stats["orgFirstSeen"], stats["orgLastSeen"]) == (None, None)
                assert stats["topFileNames"] == []


@pytest.mark.parametrize("hours", ["0", "721", "-1", "abc", "1.5", "99999999999"])
def test_look_back_hours_must_be_1_to_720(
    emu: InProcess, token: str, alerts: list[dict[str, Any]], hours: str
) -> None:
    sha1 = next(iter(file_hashes(alerts)))
    ip = next(e["ipAddress"] for a in alerts for e in evidence(a) if e["ipAddress"])
    for path in (f"/api/files/{sha1}/stats", f"/api/ips/{ip}/stats", "/api/domains/x.org/stats"):
        response = emu.api("GET", path, token, params={"lookBackHours": hours})
        assert response.status_code == 400, (path, hours)
        assert "lookBackHours" in response.json()["error"]["message"]


# -- IP addresses and domains --------------------------------------------------------------


def test_ip_alerts_and_stats(emu: InProcess, token: str, alerts: list[dict[str, Any]]) -> None:
    now = emu.emulator.clock.now()
    addresses = {e["ipAddress"] for a in alerts for e in evidence(a) if e["ipAddress"]}
    assert addresses
    for ip in sorted(addresses)[:5]:
        showing = [a for a in alerts if any(e["ipAddress"] == ip for e in evidence(a))]
        assert ids(get(emu, token, f"/api/ips/{ip}/alerts")) == {a["id"] for a in showing}
        stats = get(emu, token, f"/api/ips/{ip}/stats")
        assert stats["@odata.context"] == CONTEXT + "microsoft.windowsDefenderATP.api.InOrgIPStats"
        recent = [a for a in showing if wire_time(a["firstEventTime"]) >= now - timedelta(days=30)]
        assert stats["ipAddress"] == ip
        assert stats["organizationPrevalence"] == len({a["machineId"] for a in recent})


@pytest.mark.parametrize("ip", ["8.8.4.4", "2001:db8::1"])
def test_an_unknown_ip_has_no_alerts_and_zero_prevalence(
    emu: InProcess, token: str, ip: str
) -> None:
    assert get(emu, token, f"/api/ips/{ip}/alerts")["value"] == []
    stats = get(emu, token, f"/api/ips/{ip}/stats")
    assert (stats["organizationPrevalence"], stats["orgFirstSeen"], stats["orgLastSeen"]) == (
        0,
        None,
        None,
    )


@pytest.mark.parametrize("ip", ["999.1.1.1", "10.0.0", "not-an-ip", "1.2.3.4.5"])
def test_an_invalid_ip_is_400(emu: InProcess, token: str, ip: str) -> None:
    for suffix in ("alerts", "stats"):
        response = emu.api("GET", f"/api/ips/{ip}/{suffix}", token)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "InvalidIpAddress"


def test_domain_alerts_machines_and_stats(
    emu: InProcess, token: str, alerts: list[dict[str, Any]]
) -> None:
    hosts = {urlparse(e["url"]).hostname for a in alerts for e in evidence(a) if e["url"]}
    assert hosts
    for host in sorted(h for h in hosts if h):
        showing = [
            a for a in alerts if any(urlparse(e["url"] or "").hostname == host for e in evidence(a))
        ]
        assert ids(get(emu, token, f"/api/domains/{host.upper()}/alerts")) == {
            a["id"] for a in showing
        }
        machines = get(emu, token, f"/api/domains/{host}/machines")
        assert ids(machines) == {a["machineId"] for a in showing}
        stats = get(emu, token, f"/api/domains/{host}/stats", lookBackHours=720)
        assert stats["host"] == host
        assert (
            stats["@odata.context"] == CONTEXT + "microsoft.windowsDefenderATP.api.InOrgDomainStats"
        )
        assert 0 <= stats["organizationPrevalence"] <= len(ids(machines))


def test_an_unknown_domain_is_empty_not_missing(emu: InProcess, token: str) -> None:
    assert get(emu, token, "/api/domains/nowhere.invalid/alerts")["value"] == []
    assert get(emu, token, "/api/domains/nowhere.invalid/machines")["value"] == []
    stats = get(emu, token, "/api/domains/nowhere.invalid/stats")
    assert (stats["host"], stats["organizationPrevalence"]) == ("nowhere.invalid", 0)


# -- users ---------------------------------------------------------------------------------


def test_user_alerts_by_account_name_not_upn(
    emu: InProcess, token: str, alerts: list[dict[str, Any]]
) -> None:
    names = sorted({a["relatedUser"]["userName"] for a in alerts if a.get("relatedUser")})
    assert names
    for name in names[:5]:
        found = ids(get(emu, token, f"/api/users/{name}/alerts"))
        related = {
            a["id"]
            for a in alerts
            if (a.get("relatedUser") or {}).get("userName") == name
            or any(e["accountName"] == name for e in evidence(a))
        }
        assert found == related
        assert ids(get(emu, token, f"/api/users/{name.upper()}/alerts")) == found
        upn = next(
            e["userPrincipalName"]
            for a in alerts
            for e in evidence(a)
            if e["accountName"] == name and e["userPrincipalName"]
        )
        assert get(emu, token, f"/api/users/{upn}/alerts")["value"] == []


def test_user_machines_are_those_the_user_logged_on_to(emu: InProcess, token: str) -> None:
    machines = get(emu, token, "/api/machines")["value"]
    logons: dict[str, set[str]] = {}
    for machine in machines:
        users = get(emu, token, f"/api/machines/{machine['id']}/logonusers")
        assert users["@odata.context"] == CONTEXT + "Users"
        for user in users["value"]:
            assert {"id", "accountName", "accountDomain", "logonTypes"} <= set(user)
            logons.setdefault(user["accountName"], set()).add(machine["id"])
    assert logons, "seeding stores the world's logon users"
    for name, machine_ids in sorted(logons.items())[:8]:
        assert ids(get(emu, token, f"/api/users/{name}/machines")) == machine_ids
    assert get(emu, token, "/api/users/nobody-here/machines")["value"] == []
    assert get(emu, token, "/api/users/nobody-here/alerts")["value"] == []


def test_logon_counts_agree_with_the_user_entities(emu: InProcess, token: str) -> None:
    machines = get(emu, token, "/api/machines")["value"]
    counted: dict[str, int] = {}
    for machine in machines:
        for user in get(emu, token, f"/api/machines/{machine['id']}/logonusers")["value"]:
            counted[user["id"]] = counted.get(user["id"], 0) + 1
    alert = get(emu, token, "/api/alerts", **{"$top": 50})["value"]
    users = [
        emu.api("GET", f"/api/alerts/{a['id']}/user", token) for a in alert if a.get("relatedUser")
    ]
    checked = 0
    for response in users:
        if response.status_code == 200:
            user = response.json()
            assert counted.get(user["id"], 0) == user["logOnMachinesCount"]
            checked += 1
    assert checked


# -- find by IP over the stored address history --------------------------------------------


def test_find_by_ip_uses_the_address_history(emu: InProcess, token: str) -> None:
    machines = get(emu, token, "/api/machines")["value"]
    now = emu.emulator.clock.now()
    recent = [m for m in machines if now - wire_time(m["lastSeen"]) < timedelta(days=20)]
    assert recent
    for machine in recent[:5]:
        stamp = machine["lastSeen"]
        found = get(
            emu,
            token,
            f"/api/machines/findbyip(ip='{machine['lastIpAddress']}',timestamp={stamp})",
        )
        assert machine["id"] in ids(found)
        legacy = get(
            emu, token, f"/api/machines/find(timestamp={stamp},key='{machine['lastIpAddress']}')"
        )
        assert machine["id"] in ids(legacy)
    unused = "172.31.255.254"
    stamp = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert get(emu, token, f"/api/machines/findbyip(ip='{unused}',timestamp={stamp})") == {
        "@odata.context": CONTEXT + "Machines",
        "value": [],
    }
    missing = emu.api("GET", f"/api/machines/find(timestamp={stamp},key='{unused}')", token)
    assert missing.status_code == 404


def test_an_address_is_only_found_while_held(emu: InProcess, token: str) -> None:
    """A client that moved addresses is not found at its current address long before."""
    machines = get(emu, token, "/api/machines")["value"]
    now = emu.emulator.clock.now()
    for machine in machines:
        first = wire_time(machine["firstSeen"])
        before = first - timedelta(days=2)
        if now - before > timedelta(days=29):
            continue
        stamp = before.strftime("%Y-%m-%dT%H:%M:%SZ")
        found = get(
            emu, token, f"/api/machines/findbyip(ip='{machine['lastIpAddress']}',timestamp={stamp})"
        )
        assert machine["id"] not in ids(found)


# -- paging, roles -------------------------------------------------------------------------


def test_related_alerts_take_top_and_skip(
    emu: InProcess, token: str, alerts: list[dict[str, Any]]
) -> None:
    counts: dict[str, int] = {}
    for alert in alerts:
        for item in evidence(alert):
            if item["sha1"]:
                counts[item["sha1"]] = counts.get(item["sha1"], 0) + 1
    sha1 = max(counts, key=lambda key: counts[key])
    everything = get(emu, token, f"/api/files/{sha1}/alerts")["value"]
    assert len(everything) >= 2
    first = get(emu, token, f"/api/files/{sha1}/alerts", **{"$top": 1})["value"]
    rest = get(emu, token, f"/api/files/{sha1}/alerts", **{"$skip": 1})["value"]
    assert first + rest == everything


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/api/files/{sha1}", "File.Read.All"),
        ("/api/files/{sha1}/stats", "File.Read.All"),
        ("/api/files/{sha1}/alerts", "Alert.Read.All"),
        ("/api/files/{sha1}/machines", "Machine.Read.All"),
        ("/api/ips/10.0.0.1/alerts", "Alert.Read.All"),
        ("/api/ips/10.0.0.1/stats", "Ip.Read.All"),
        ("/api/domains/x.org/alerts", "Alert.Read.All"),
        ("/api/domains/x.org/machines", "Machine.Read.All"),
        ("/api/domains/x.org/stats", "Url.Read.All"),
        ("/api/users/u/alerts", "Alert.Read.All"),
        ("/api/users/u/machines", "Machine.Read.All"),
    ],
)
def test_roles(path: str, role: str, roles_emu: tuple[InProcess, dict[str, str]]) -> None:
    emu, tokens = roles_emu
    found = emu.api("GET", "/api/alerts?$expand=evidence", emu.token()).json()["value"]
    key = next(e["sha1"] for a in found for e in a["evidence"] if e["sha1"])
    url = path.format(sha1=key)
    assert emu.api("GET", url, tokens[role]).status_code == 200
    other = next(token for name, token in tokens.items() if name != role)
    refused = emu.api("GET", url, other)
    assert refused.status_code == 403
    assert role in refused.json()["error"]["message"]


@pytest.fixture(scope="module")
def roles_emu(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[InProcess, dict[str, str]]]:
    with in_process(tmp_path_factory.mktemp("entity-roles"), quotas=False) as emulator:
        roles = (
            "File.Read.All",
            "Alert.Read.All",
            "Machine.Read.All",
            "Ip.Read.All",
            "Url.Read.All",
        )
        tokens = {
            role: role_app(emulator, [role], f"only {role}").token(emulator) for role in roles
        }
        yield emulator, tokens


def test_stats_are_computed_at_the_emulator_clock(tmp_path: Path) -> None:
    """Moving the clock a year on leaves every sighting outside the look-back window."""
    with in_process(tmp_path / "clock", quotas=False, machines=10, alerts=40) as emu:
        token = emu.token()
        found = emu.api("GET", "/api/alerts?$expand=evidence", token).json()["value"]
        hashes = {e["sha1"] for a in found for e in a["evidence"] if e["sha1"]}
        prevalent = [
            sha1
            for sha1 in sorted(hashes)
            if get(emu, token, f"/api/files/{sha1}/stats")["organizationPrevalence"] > 0
        ]
        assert prevalent
        emu.emulator.clock.advance(timedelta(days=365))
        later = emu.token()
        for sha1 in prevalent:
            stats = get(emu, later, f"/api/files/{sha1}/stats")
            assert (stats["organizationPrevalence"], stats["orgFirstSeen"]) == (0, None)
            assert get(emu, later, f"/api/files/{sha1}/alerts")["value"]
