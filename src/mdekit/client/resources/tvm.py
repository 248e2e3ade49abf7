"""Vulnerability management: vulnerabilities, software, recommendations, scores and
remediation tasks."""

from __future__ import annotations

import builtins

from mdekit.client.ops import Group, Invocation, M, model, models, operation, paged
from mdekit.client.resources.base import cap, list_params
from mdekit.models import (
    Distribution,
    Kb,
    MachineRef,
    MachineVulnerability,
    Recommendation,
    RemediationTask,
    Score,
    Software,
    Vulnerability,
)


class Vulnerabilities(Group[M]):
    @paged
    def list(
        self,
        *,
        filter: object | None = None,
        top: int | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> Invocation[Vulnerability]:
        return Invocation(
            "vulnerabilities.list",
            params=list_params(filter),
            decode=model(Vulnerability),
            limit=cap(top, limit),
            page_size=page_size,
        )

    @operation
    def get(self, cve_id: str) -> Invocation[Vulnerability]:
        return Invocation("vulnerabilities.get", {"cveId": cve_id}, decode=model(Vulnerability))

    @operation
    def machine_references(self, cve_id: str) -> Invocation[builtins.list[MachineRef]]:
        return Invocation(
            "vulnerabilities.machine_references", {"cveId": cve_id}, decode=models(MachineRef)
        )

    @paged
    def by_machine(
        self,
        *,
        filter: object | None = None,
        top: int | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> Invocation[MachineVulnerability]:
        """Every (machine, CVE) pair: the Power BI style flat list."""
        return Invocation(
            "vulnerabilities.by_machine",
            params=list_params(filter),
            decode=model(MachineVulnerability),
            limit=cap(top, limit),
            page_size=page_size,
        )


class SoftwareInventory(Group[M]):
    @paged
    def list(
        self,
        *,
        filter: object | None = None,
        top: int | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> Invocation[Software]:
        return Invocation(
            "software.list",
            params=list_params(filter),
            decode=model(Software),
            limit=cap(top, limit),
            page_size=page_size,
        )

    @operation
    def get(self, software_id: str) -> Invocation[Software]:
        return Invocation("software.get", {"id": software_id}, decode=model(Software))

    @operation
    def distributions(self, software_id: str) -> Invocation[builtins.list[Distribution]]:
        return Invocation(
            "software.distributions", {"id": software_id}, decode=models(Distribution)
        )

    @operation
    def machine_references(self, software_id: str) -> Invocation[builtins.list[MachineRef]]:
        return Invocation(
            "software.machine_references", {"id": software_id}, decode=models(MachineRef)
        )

    @operation
    def vulnerabilities(self, software_id: str) -> Invocation[builtins.list[Vulnerability]]:
        return Invocation(
            "software.vulnerabilities", {"id": software_id}, decode=models(Vulnerability)
        )

    @operation
    def missing_kbs(self, software_id: str) -> Invocation[builtins.list[Kb]]:
        return Invocation("software.missing_kbs", {"id": software_id}, decode=models(Kb))


class Recommendations(Group[M]):
    @paged
    def list(
        self,
        *,
        filter: object | None = None,
        top: int | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> Invocation[Recommendation]:
        return Invocation(
            "recommendations.list",
            params=list_params(filter),
            decode=model(Recommendation),
            limit=cap(top, limit),
            page_size=page_size,
        )

    @operation
    def get(self, recommendation_id: str) -> Invocation[Recommendation]:
        return Invocation(
            "recommendations.get", {"id": recommendation_id}, decode=model(Recommendation)
        )

    @operation
    def software(self, recommendation_id: str) -> Invocation[Software]:
        return Invocation(
            "recommendations.software", {"id": recommendation_id}, decode=model(Software)
        )

    @operation
    def machine_references(self, recommendation_id: str) -> Invocation[builtins.list[MachineRef]]:
        return Invocation(
            "recommendations.machine_references",
            {"id": recommendation_id},
            decode=models(MachineRef),
        )

    @operation
    def vulnerabilities(self, recommendation_id: str) -> Invocation[builtins.list[Vulnerability]]:
        return Invocation(
            "recommendations.vulnerabilities",
            {"id": recommendation_id},
            decode=models(Vulnerability),
        )


class Scores(Group[M]):
    @operation
    def exposure(self) -> Invocation[Score]:
        return Invocation("scores.exposure", decode=model(Score))

    @operation
    def exposure_by_machine_groups(self) -> Invocation[builtins.list[Score]]:
        return Invocation("scores.exposure_by_machine_groups", decode=models(Score))

    @operation
    def configuration(self) -> Invocation[Score]:
        """The device secure score."""
        return Invocation("scores.configuration", decode=model(Score))


class RemediationTasks(Group[M]):
    @paged
    def list(
        self,
        *,
        filter: object | None = None,
        top: int | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> Invocation[RemediationTask]:
        return Invocation(
            "remediation_tasks.list",
            params=list_params(filter),
            decode=model(RemediationTask),
            limit=cap(top, limit),
            page_size=page_size,
        )

    @operation
    def get(self, task_id: str) -> Invocation[RemediationTask]:
        return Invocation("remediation_tasks.get", {"id": task_id}, decode=model(RemediationTask))

    @operation
    def machine_references(self, task_id: str) -> Invocation[builtins.list[MachineRef]]:
        return Invocation(
            "remediation_tasks.machine_references", {"id": task_id}, decode=models(MachineRef)
        )
