"""The client has a method for every documented endpoint, and each method calls the
endpoint it names (method and path match the catalog)."""

from __future__ import annotations

import inspect
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pydantic
import pytest
from azure.core.credentials import AccessToken

from mdekit import Client
from mdekit.catalog import ENDPOINTS, match
from mdekit.client.ops import Group
from mdekit.client.settings import load_settings

RESOURCES = Path(__file__).parent.parent / "src" / "mdekit" / "client" / "resources"


def test_every_catalog_operation_has_a_client_method() -> None:
    text = "\n".join(path.read_text() for path in RESOURCES.glob("*.py"))
    used = set(re.findall(r'Invocation\(\s*"([a-z_]+\.[a-z_]+)"', text))
    used |= set(re.findall(r'_(?:action|rows|files)\(\s*"([a-z_]+\.[a-z_]+)"', text))
    missing = {e.operation for e in ENDPOINTS} - used
    assert not missing, f"operations without a client method: {sorted(missing)}"


class _Token:
    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken("e30.e30.sig", int(time.time()) + 3600)


def _arguments(function: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if parameter.default is not inspect.Parameter.empty:
            continue
        annotation = str(parameter.annotation)
        if "Sequence" in annotation and ("Command" in annotation or "Mapping" in annotation):
            values[name] = [{"type": "GetFile", "params": [{"key": "Path", "value": "C:\\x"}]}]
        elif "Sequence" in annotation:
            values[name] = ["x1"]
        elif "Mapping" in annotation:
            values[name] = {"scanType": "Windows"}
        elif "datetime" in annotation:
            values[name] = datetime(2026, 1, 1, tzinfo=UTC)
        elif "bytes" in annotation:
            values[name] = b"content"
        elif "int" in annotation:
            values[name] = 1
        else:
            values[name] = "10.1.2.3" if name == "ip" else "x1"
    return values


def _calls(client: Client) -> Iterator[tuple[str, Any, Any]]:
    """(label, bound method, request builder) of every resource method of the client."""
    for group_name, group in vars(client).items():
        if not isinstance(group, Group):
            continue
        for name, member in vars(type(group)).items():
            if hasattr(member, "build"):
                yield f"{group_name}.{name}", getattr(group, name), member.build


def test_each_method_calls_the_endpoint_it_builds() -> None:
    seen: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path))
        return httpx.Response(200, json={"@odata.context": "x", "value": []})

    settings = load_settings(
        api_url="https://api.test", tenant_id="t", client_id="c", client_secret="s", environ={}
    )
    checked = 0
    with Client(_Token(), settings=settings, transport=httpx.MockTransport(handler)) as client:
        for label, method, build in _calls(client):
            arguments = _arguments(build)
            arguments.pop("self", None)
            invocation = build(None, **arguments)
            seen.clear()
            try:
                result = method(**arguments)
                if inspect.isgenerator(result) or hasattr(result, "__next__"):
                    list(result)
            except (pydantic.ValidationError, KeyError, TypeError):
                pass  # the mock's answer does not fit every model; the request is what counts
            assert seen, f"{label} sent nothing"
            method_sent, path_sent = seen[0]
            found = match(method_sent, path_sent)
            assert found is not None, f"{label}: {method_sent} {path_sent} is no endpoint"
            assert found[0].operation == invocation.operation, label
            checked += 1
    assert checked >= len(ENDPOINTS) - 5


@pytest.mark.parametrize("name", ["alerts", "machines", "machine_actions", "indicators", "hunting"])
def test_groups_are_present(name: str) -> None:
    settings = load_settings(
        api_url="https://api.test", tenant_id="t", client_id="c", client_secret="s", environ={}
    )
    with Client(_Token(), settings=settings) as client:
        assert isinstance(getattr(client, name), Group)
