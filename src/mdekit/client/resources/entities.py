"""Files, IP addresses, domains and users: profiles, statistics and related alerts/machines."""

from __future__ import annotations

import builtins

from mdekit.client.ops import Group, Invocation, M, model, models, operation
from mdekit.models import Alert, DomainStats, File, FileStats, IpStats, Machine


def _lookback(hours: int | None) -> dict[str, object]:
    return {"lookBackHours": hours} if hours is not None else {}


class Files(Group[M]):
    @operation
    def get(self, file_hash: str) -> Invocation[File]:
        """By SHA-1 or SHA-256."""
        return Invocation("files.get", {"id": file_hash}, decode=model(File))

    @operation
    def alerts(self, sha1: str) -> Invocation[builtins.list[Alert]]:
        return Invocation("files.alerts", {"id": sha1}, decode=models(Alert))

    @operation
    def machines(self, sha1: str) -> Invocation[builtins.list[Machine]]:
        return Invocation("files.machines", {"id": sha1}, decode=models(Machine))

    @operation
    def stats(self, file_hash: str, *, look_back_hours: int | None = None) -> Invocation[FileStats]:
        return Invocation(
            "files.stats",
            {"id": file_hash},
            params=_lookback(look_back_hours),
            decode=model(FileStats),
        )


class Ips(Group[M]):
    @operation
    def alerts(self, ip: str) -> Invocation[builtins.list[Alert]]:
        return Invocation("ips.alerts", {"ip": ip}, decode=models(Alert))

    @operation
    def stats(self, ip: str, *, look_back_hours: int | None = None) -> Invocation[IpStats]:
        return Invocation(
            "ips.stats", {"ip": ip}, params=_lookback(look_back_hours), decode=model(IpStats)
        )


class Domains(Group[M]):
    @operation
    def alerts(self, domain: str) -> Invocation[builtins.list[Alert]]:
        return Invocation("domains.alerts", {"domain": domain}, decode=models(Alert))

    @operation
    def machines(self, domain: str) -> Invocation[builtins.list[Machine]]:
        return Invocation("domains.machines", {"domain": domain}, decode=models(Machine))

    @operation
    def stats(self, domain: str, *, look_back_hours: int | None = None) -> Invocation[DomainStats]:
        return Invocation(
            "domains.stats",
            {"domain": domain},
            params=_lookback(look_back_hours),
            decode=model(DomainStats),
        )


class Users(Group[M]):
    @operation
    def alerts(self, user_name: str) -> Invocation[builtins.list[Alert]]:
        """By user name (not the UPN)."""
        return Invocation("users.alerts", {"id": user_name}, decode=models(Alert))

    @operation
    def machines(self, user_name: str) -> Invocation[builtins.list[Machine]]:
        return Invocation("users.machines", {"id": user_name}, decode=models(Machine))
