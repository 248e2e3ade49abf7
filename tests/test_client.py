"""mdekit.Client and AsyncClient against the emulator on TLS: paging, filters, errors,
token reuse and the refresh-once-on-401 flow."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.identity import ClientSecretCredential

from mdekit import AsyncClient, Client
from mdekit.client.apps import create_app
from mdekit.client.errors import AuthenticationError, ConfigurationError, Forbidden, NotFound
from mdekit.client.graph import GraphClient
from mdekit.odata import F
from tests.support.emulators import DEFENDER_SCOPE, Served


@pytest.fixture(scope="module")
def client(server: Served) -> Iterator[Client]:
    with Client(settings=server.settings()) as c:
        yield c


def test_list_follows_pages_and_yields_each_alert_once(client: Client) -> None:
    everything = [a.id for a in client.alerts.list(page_size=500)]
    paged = [a.id for a in client.alerts.list(page_size=7)]
    assert len(everything) == 60
    assert paged == everything


def test_top_limits_the_total(client: Client) -> None:
    assert len(list(client.alerts.list(top=13, page_size=5))) == 13


def test_filter_text_and_builder_agree(client: Client) -> None:
    text = {a.id for a in client.alerts.list(filter="severity eq 'High' and status ne 'Resolved'")}
    built = {
        a.id for a in client.alerts.list(filter=(F.severity == "High") & (F.status != "Resolved"))
    }
    assert text == built
    assert all(a.severity == "High" for a in client.alerts.list(filter=F.severity == "High"))


def test_get_returns_a_typed_alert_with_evidence(client: Client) -> None:
    first = next(iter(client.alerts.list(top=1)))
    alert = client.alerts.get(first.id)
    assert alert.id == first.id
    assert alert.alert_creation_time is not None
    assert alert.alert_creation_time.tzinfo is not None
    assert alert.evidence


def test_unknown_alert_raises_not_found_with_request_id(client: Client) -> None:
    with pytest.raises(NotFound) as caught:
        client.alerts.get("da000000000000000000_1")
    assert caught.value.status == 404
    assert caught.value.request_id


def test_machine_by_name(client: Client) -> None:
    machine = next(iter(client.machines.list(top=1)))
    assert client.machines.get(machine.computer_dns_name or "").id == machine.id


def test_forbidden_names_the_roles_and_the_fix(server: Served) -> None:
    with GraphClient(settings=server.settings()) as graph:
        created = create_app(graph, "reader for a test", ["Alert.Read.All"], grant_consent=True)
    settings = server.settings(client_id=created.client_id, client_secret=created.client_secret)
    with Client(settings=settings) as reader:
        assert next(iter(reader.alerts.list(top=1))).id
        with pytest.raises(Forbidden) as caught:
            list(reader.machines.list(top=1))
    error = caught.value
    assert error.required_roles == ("Machine.Read.All", "Machine.ReadWrite.All")
    assert error.token_roles == ("Alert.Read.All",)
    assert error.hint
    assert "mdekit app permission add" in error.hint
    assert created.client_secret not in str(error) + error.hint


def test_wrong_secret_is_an_authentication_error_without_the_secret(server: Served) -> None:
    settings = server.settings(client_secret="definitely-wrong-secret")
    with Client(settings=settings) as bad, pytest.raises(AuthenticationError) as caught:
        list(bad.alerts.list(top=1))
    assert caught.value.code == 7000215
    assert str(caught.value).startswith("AADSTS7000215: ")
    assert "Trace ID" not in str(caught.value)
    assert "definitely-wrong-secret" not in str(caught.value)
    assert caught.value.hint


def test_missing_configuration_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    # With MDE_CREDENTIAL=auto (the default) and nothing set, azure-identity's
    # DefaultAzureCredential chain is used instead; naming the kind makes mdekit check it.
    for name in ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MDE_CREDENTIAL", "secret")
    monkeypatch.setenv("MDE_PROFILE", "none")
    with pytest.raises(ConfigurationError, match="AZURE_TENANT_ID and AZURE_CLIENT_ID not set"):
        Client()


class CountingCredential:
    """A TokenCredential that counts calls and can hand out a broken token first."""

    def __init__(self, inner: Any, broken_first: bool = False) -> None:
        self.inner = inner
        self.calls = 0
        self.broken_first = broken_first

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.calls += 1
        if self.broken_first and self.calls == 1:
            return AccessToken("not.a.token", int(time.time()) + 3600)
        token: AccessToken = self.inner.get_token(*scopes, **kwargs)
        return token


def _credential(server: Served) -> ClientSecretCredential:
    return ClientSecretCredential(
        server.dev.tenant_id,
        server.dev.client_id,
        server.dev.client_secret,
        authority=server.url,
        disable_instance_discovery=True,
        connection_verify=server.bundle,
    )


def test_the_token_is_fetched_once_and_reused(server: Served) -> None:
    counting = CountingCredential(_credential(server))
    with Client(counting, settings=server.settings()) as c:
        for _ in range(3):
            list(c.alerts.list(top=5))
        c.alerts.get(next(iter(c.alerts.list(top=1))).id)
    assert counting.calls == 1


def test_a_401_refreshes_the_token_once_and_resends(server: Served) -> None:
    counting = CountingCredential(_credential(server), broken_first=True)
    with Client(counting, settings=server.settings()) as c:
        assert len(list(c.alerts.list(top=3))) == 3
    assert counting.calls == 2


def test_async_client_lists_and_gets(server: Served) -> None:
    async def run() -> tuple[list[str], str]:
        async with AsyncClient(settings=server.settings()) as c:
            ids = [a.id async for a in c.alerts.list(page_size=9)]
            one = await c.alerts.get(ids[0])
            return ids, one.id

    ids, one = asyncio.run(run())
    assert len(ids) == len(set(ids)) == 60
    assert one == ids[0]


def test_the_scope_is_the_defender_resource(server: Served) -> None:
    assert server.settings().defender_scope == DEFENDER_SCOPE
