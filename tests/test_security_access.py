"""Who reaches what, beyond the API's roles: the control API (`/_emulator/...`) and the web
console (`/_console/...`) never answer an API token, however it is presented, when callers
are not the loopback admin; and an app holding only `Ti.ReadWrite` never sees or changes
another app's indicators (defender-api.md §5.6: "With Ti.ReadWrite.All the app sees all;
otherwise only those it created")."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from mdekit.emulator.app import create_app
from tests.support.emulators import GRAPH_SCOPE, InProcess, in_process
from tests.support.role_apps import role_app

PUBLIC = {
    ("GET", "/_emulator/health"),
    ("GET", "/_emulator/openapi.json"),
    ("GET", "/_console/login"),
    ("POST", "/_console/login"),  # refuses without the admin key (checked below)
    ("GET", "/_console/static/{name}"),
}


def _routes(app: Any) -> list[tuple[str, str]]:
    """(method, path template) of every route the app serves, included routers flattened."""
    found: list[tuple[str, str]] = []

    def walk(routes: list[Any]) -> None:
        for route in routes:
            candidates = getattr(route, "effective_candidates", None)
            if callable(candidates):
                walk(list(candidates()))
                continue
            path = getattr(route, "path", None)
            for method in getattr(route, "methods", None) or ():
                if path and method != "HEAD":
                    found.append((method, path))

    walk(list(app.router.routes))
    return sorted(set(found))


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    """An emulator whose callers are not the admin by address (not loopback-bound)."""
    with in_process(
        tmp_path_factory.mktemp("not-loopback"), quotas=False, loopback_admin=False
    ) as emulator:
        yield emulator


def _disguises(defender: str, graph: str) -> list[dict[str, str]]:
    """Every way an API token might be slipped in, with loopback hints an app could trust."""
    forwarded = {"X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1", "Host": "localhost"}
    return [
        {"Authorization": f"Bearer {defender}"},
        {"Authorization": f"Bearer {graph}"},
        {"Authorization": f"Bearer {defender}", **forwarded},
        {"X-Emulator-Admin-Key": defender},
        {"Cookie": f"mdekit_admin={graph}"},
        {"X-Emulator-Admin-Key": ""},
    ]


def _state(emu: InProcess) -> tuple[Any, ...]:
    control = emu.emulator.control
    return (
        len(control.tenants()),
        round(emu.emulator.clock.timestamp() - time.time()),
        len(emu.emulator.runtime.list_faults()),
        [k["kid"] for k in emu.emulator.identity.keys.jwks()["keys"]],
    )


def test_control_api_and_console_refuse_api_tokens(remote: InProcess) -> None:
    app = create_app(remote.emulator.config, remote.emulator)
    routes = [
        (method, path)
        for method, path in _routes(app)
        if path.startswith(("/_emulator", "/_console")) or path == "/"
    ]
    assert len(routes) >= 40, routes
    defender, graph = remote.token(), remote.token(GRAPH_SCOPE)
    before = _state(remote)
    tried = 0
    for method, template in routes:
        if (method, template) in PUBLIC:
            continue
        path = re.sub(r"{\w+}", remote.dev.client_id, template)
        for headers in _disguises(defender, graph):
            response = remote.http.request(
                method,
                path,
                headers=headers,
                json={"name": "x", "advance": 86400, "tenant": "x", "clientId": "y"},
                follow_redirects=False,
            )
            tried += 1
            if template.startswith("/_emulator"):
                assert response.status_code == 403, (method, path, headers, response.text)
                assert response.json()["error"]["code"] == "Forbidden"
            else:
                assert response.status_code in (303, 403), (method, path, response.status_code)
                if response.status_code == 303:
                    assert response.headers["location"].startswith("/_console/login")
            assert defender not in response.text
    assert _state(remote) == before, "nothing changed"
    print(f"admin surfaces: {len(routes)} routes, {tried} disguised calls refused")


def test_the_console_sign_in_does_not_take_a_token_for_the_key(remote: InProcess) -> None:
    form = remote.http.get("/_console/login")
    assert form.status_code == 200
    match = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert match is not None
    answer = remote.http.post(
        "/_console/login",
        data={"csrf": match.group(1), "key": remote.token(), "next": "/_console/apps"},
        follow_redirects=False,
    )
    assert "mdekit_admin" not in answer.headers.get("set-cookie", "")
    assert remote.http.get("/_console/apps", follow_redirects=False).status_code == 303


def test_the_admin_key_still_works_there(remote: InProcess) -> None:
    """The refusals above are about the token, not a broken control API."""
    admin = {"X-Emulator-Admin-Key": remote.emulator.admin_key}
    assert remote.http.get("/_emulator/tenants", headers=admin).status_code == 200


# -- Ti.ReadWrite: only its own indicators -------------------------------------------------


def _indicator(value: str, **extra: Any) -> dict[str, Any]:
    return {
        "indicatorValue": value,
        "indicatorType": "IpAddress",
        "action": "Block",
        "title": "feed",
        "description": "feed item",
        **extra,
    }


def test_ti_readwrite_never_sees_another_apps_indicators(emu: InProcess) -> None:
    feed_a = role_app(emu, ["Ti.ReadWrite"], "feed A").token(emu)
    feed_b = role_app(emu, ["Ti.ReadWrite"], "feed B").token(emu)
    owned = emu.api("POST", "/api/indicators", feed_a, json=_indicator("198.51.100.7"))
    assert owned.status_code == 200, owned.text
    owned_id, owner = str(owned.json()["id"]), owned.json()["createdBy"]
    queries = [
        "/api/indicators",
        "/api/indicators?$filter=indicatorValue eq '198.51.100.7'",
        f"/api/indicators?$filter=createdBy eq '{owner}'",
        "/api/indicators?$filter=title eq 'feed'&$top=10000",
        "/api/indicators?$skip=0&$top=1",
    ]
    for query in queries:
        seen = emu.api("GET", query, feed_b)
        assert seen.status_code == 200, (query, seen.text)
        assert seen.json()["value"] == [], query
        assert emu.api("GET", query, feed_a).json()["value"], query
    count = emu.api(
        "GET", "/api/indicators/$count?$filter=indicatorValue eq '198.51.100.7'", feed_b
    )
    assert count.text == "0"
    # Import may not take it over either, and says so per item.
    imported = emu.api(
        "POST",
        "/api/indicators/import",
        feed_b,
        json={"Indicators": [_indicator("198.51.100.7", title="taken")]},
    )
    assert imported.status_code == 200, imported.text
    (item,) = imported.json()["value"]
    assert item["isFailed"] is True
    assert str(item["id"]) != owned_id, "the id of what it may not see stays unknown"
    assert not re.search(rf"\b{owned_id}\b", item["failureReason"])
    takeover = emu.api("POST", "/api/indicators", feed_b, json=_indicator("198.51.100.7"))
    assert takeover.status_code == 403
    assert not re.search(rf"\b{owned_id}\b", takeover.json()["error"]["message"])
    after = emu.api("GET", "/api/indicators", feed_a).json()["value"]
    assert [(str(i["id"]), i["title"]) for i in after] == [(owned_id, "feed")]
