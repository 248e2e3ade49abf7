"""Partners: one multi-tenant app over many customer tenants. Each tenant gets its own token
and quota; rows are tagged; a tenant without consent (AADSTS700016) or that does not exist is
reported and does not stop the others, in the library and in the CLI."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from mdekit.client.errors import AuthenticationError, ConfigurationError
from mdekit.client.jwt_info import decode
from mdekit.client.partners import Tenant, fan_out, read_tenants, tagged_rows
from tests.support.emulators import Served, served
from tests.test_cli import mdekit

MISSING_TENANT = "00000000-0000-4000-8000-00000000dead"


@dataclass(frozen=True)
class World:
    server: Served
    home: str
    customer: str
    unconsented: str


def control(server: Served) -> httpx.Client:
    return httpx.Client(
        base_url=server.url,
        verify=ssl.create_default_context(cafile=server.bundle),
        headers={"X-Emulator-Admin-Key": server.running.emulator.admin_key},
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with served(tmp_path_factory.mktemp("partners"), quotas=False) as server:
        with control(server) as admin:
            customer = admin.post("/_emulator/tenants", json={"name": "Fabrikam"}).json()["id"]
            other = admin.post("/_emulator/tenants", json={"name": "Tailspin"}).json()["id"]
            # The app is consented in every tenant the emulator makes: take it back in one.
            revoked = admin.delete(
                "/_emulator/consent",
                params={"tenant": other, "clientId": server.dev.client_id},
            )
            assert revoked.status_code in (200, 204), revoked.text
        yield World(server, server.dev.tenant_id, customer, other)


def test_fan_out_tags_rows_and_reports_the_broken_tenants(world: World) -> None:
    tenants = [world.home, world.customer, world.unconsented, MISSING_TENANT]
    done: list[str] = []
    results = fan_out(
        world.server.settings(),
        tenants,
        lambda c: c.alerts.list(limit=3),
        concurrency=3,
        on_done=lambda r: done.append(r.tenant.id),
    )
    assert [r.tenant.id for r in results] == tenants, "in the order given"
    assert sorted(done) == sorted(tenants)
    home, customer, unconsented, missing = results
    assert home.ok
    assert customer.ok
    assert len(home.value or []) == 3
    assert len(customer.value or []) == 3
    assert isinstance(unconsented.error, AuthenticationError)
    assert unconsented.error_code == "AADSTS700016"
    assert missing.error is not None
    assert not missing.ok
    rows = list(tagged_rows(results))
    assert len(rows) == 6
    assert {r["tenant_id"] for r in rows} == {world.home, world.customer}
    assert next(iter(rows[0])) == "tenant_id", "the tag comes first"
    # Each tenant's alerts come from its own world.
    home_ids = {r["id"] for r in rows if r["tenant_id"] == world.home}
    customer_ids = {r["id"] for r in rows if r["tenant_id"] == world.customer}
    assert not home_ids & customer_ids
    summary = unconsented.summary()
    assert summary["status"] == "failed"
    assert summary["hint"]
    assert "consent" in summary["hint"]


def test_each_tenant_has_its_own_token(world: World) -> None:
    results = fan_out(
        world.server.settings(),
        [Tenant(world.home, "home"), Tenant(world.customer, "customer")],
        lambda c: decode(c.token()).claims["tid"],
    )
    assert [r.value for r in results] == [world.home, world.customer]
    assert results[1].summary()["label"] == "customer"


def test_tenants_file(tmp_path: Path) -> None:
    listing = tmp_path / "tenants.txt"
    listing.write_text(
        "# customers\n"
        "11111111-1111-1111-1111-111111111111 Contoso EU\n"
        "\n"
        "22222222-2222-2222-2222-222222222222, fabrikam  # their SOC\n"
        "11111111-1111-1111-1111-111111111111 again\n"
    )
    tenants = read_tenants(listing)
    assert [(t.id, t.label) for t in tenants] == [
        ("11111111-1111-1111-1111-111111111111", "Contoso EU"),
        ("22222222-2222-2222-2222-222222222222", "fabrikam"),
    ]
    (tmp_path / "empty.txt").write_text("# nobody\n")
    with pytest.raises(ConfigurationError, match="lists no tenant"):
        read_tenants(tmp_path / "empty.txt")


def _tenants_file(world: World, tmp_path: Path, *extra: str) -> Path:
    listing = tmp_path / "tenants.txt"
    lines = [f"{world.home} home", f"{world.customer} fabrikam", *extra]
    listing.write_text("\n".join(lines) + "\n")
    return listing


def test_cli_partners_json_carries_rows_and_the_tenant_report(world: World, tmp_path: Path) -> None:
    listing = _tenants_file(world, tmp_path, f"{world.unconsented} tailspin", MISSING_TENANT)
    result = mdekit(
        "partners",
        "alerts",
        "list",
        "--tenants-file",
        str(listing),
        "--top",
        "2",
        "-f",
        "status ne 'Resolved'",
        "-o",
        "json",
        env=world.server.env(),
    )
    assert result.returncode == 1, "some tenants failed: exit 1"
    body = json.loads(result.stdout)
    assert {r["tenant_id"] for r in body["value"]} == {world.home, world.customer}
    assert all(r["status"] != "Resolved" for r in body["value"])
    report = {t["tenant_id"]: t for t in body["tenants"]}
    assert report[world.home]["status"] == "ok"
    assert report[world.home]["rows"] == 2
    assert report[world.unconsented]["error_code"] == "AADSTS700016"
    assert report[MISSING_TENANT]["status"] == "failed"
    assert "tailspin" in result.stderr, "the summary table is on stderr"
    assert "AADSTS700016" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_partners_all_ok_exits_0_and_ndjson_rows_are_tagged(
    world: World, tmp_path: Path
) -> None:
    listing = _tenants_file(world, tmp_path)
    result = mdekit(
        "partners",
        "machines",
        "list",
        "-T",
        str(listing),
        "-n",
        "3",
        "-o",
        "ndjson",
        env=world.server.env(),
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 6
    assert all(r["tenant_id"] in (world.home, world.customer) and r["id"] for r in rows)


def test_cli_partners_all_failed_exit_with_the_mapped_code(world: World, tmp_path: Path) -> None:
    listing = tmp_path / "tenants.txt"
    listing.write_text(f"{world.unconsented}\n")
    result = mdekit("partners", "check", "-T", str(listing), env=world.server.env())
    assert result.returncode == 3, "an AADSTS failure everywhere: exit 3"
    assert "AADSTS700016" in result.stderr
