"""Apps with chosen Defender roles, registered and consented through the emulator's Graph
subset the way an administrator would, for tests of role checks and per-app visibility."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mdekit.catalog import DEFENDER
from tests.support.emulators import GRAPH_SCOPE, InProcess


@dataclass(frozen=True)
class RoleApp:
    app_id: str
    secret: str
    name: str

    def token(self, emu: InProcess) -> str:
        return emu.token(client_id=self.app_id, secret=self.secret)


def role_app(emu: InProcess, roles: Sequence[str], name: str = "role test app") -> RoleApp:
    """A new app in the dev tenant holding exactly `roles` of WindowsDefenderATP."""
    graph = emu.token(GRAPH_SCOPE)
    role_ids = []
    for role_name in roles:
        role = DEFENDER.role(role_name)
        assert role is not None, role_name
        role_ids.append(role.id)
    app = emu.api(
        "POST",
        "/v1.0/applications",
        graph,
        json={
            "displayName": name,
            "requiredResourceAccess": [
                {
                    "resourceAppId": DEFENDER.app_id,
                    "resourceAccess": [{"id": rid, "type": "Role"} for rid in role_ids],
                }
            ],
        },
    ).json()
    principal = emu.api("POST", "/v1.0/servicePrincipals", graph, json={"appId": app["appId"]})
    assert principal.status_code == 201, principal.text
    defender = emu.api(
        "GET",
        "/v1.0/servicePrincipals",
        graph,
        params={"$filter": f"appId eq '{DEFENDER.app_id}'"},
    ).json()["value"][0]
    for role_id in role_ids:
        grant = emu.api(
            "POST",
            f"/v1.0/servicePrincipals/{defender['id']}/appRoleAssignedTo",
            graph,
            json={
                "principalId": principal.json()["id"],
                "resourceId": defender["id"],
                "appRoleId": role_id,
            },
        )
        assert grant.status_code == 201, grant.text
    secret = emu.api(
        "POST",
        f"/v1.0/applications/{app['id']}/addPassword",
        graph,
        json={"passwordCredential": {}},
    ).json()["secretText"]
    return RoleApp(app["appId"], secret, name)
