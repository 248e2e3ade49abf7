"""The shape of one Defender API endpoint, and the permission sets many endpoints share.

Kept apart from `endpoints.py` so that the per-group tables (`endpoints_*.py`) can build
their rows without importing the module that assembles them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mdekit.catalog.path_matching import compile_template


@dataclass(frozen=True)
class RateLimit:
    """At most `calls` calls per `seconds` (per app and tenant unless `per_tenant`)."""

    calls: int
    seconds: int
    per_tenant: bool = False


STANDARD_LIMITS = (RateLimit(100, 60), RateLimit(1500, 3600))
"""The documented default: 100 calls per minute and 1,500 per hour."""
NO_LIMITS: tuple[RateLimit, ...] = ()
"""For endpoints whose pages state no rate limit (defender-api.md §3.3)."""
HUNTING_LIMITS = (RateLimit(45, 60, per_tenant=True), RateLimit(1500, 3600, per_tenant=True))
EXPORT_JSON_LIMITS = (RateLimit(30, 60), RateLimit(1000, 3600))
EXPORT_FILES_LIMITS = (RateLimit(5, 60), RateLimit(20, 3600))

PAGED = ("$filter", "$top", "$skip")
"""The OData system query options the list endpoints document."""
TOP_SKIP = ("$top", "$skip")


@dataclass(frozen=True)
class Endpoint:
    """One documented method + path of the Defender API."""

    operation: str
    """Dotted name used by the client and the CLI, e.g. `alerts.list`, `machines.isolate`."""
    method: str
    path: str
    """Path template under the API base, e.g. `/api/alerts/{id}`; matched case-insensitively."""
    roles: tuple[str, ...]
    """Application roles of which any one grants access."""
    delegated: tuple[str, ...] = ()
    """Delegated scopes of which any one grants access (user context; not emulated yet)."""
    entity_set: str | None = None
    """OData entity set or type named in `@odata.context` (e.g. `Alerts`); None when the
    response has no `$metadata#...` context (hunting, indicator import, empty bodies)."""
    returns: str = "entity"
    """What a success returns: `collection`, `entity`, `none`, `string` (an `Edm.String`
    download link), `query` (hunting `Schema` + `Results`), `files` (ExportFilesResponse).
    A `/$count` segment after any `collection` endpoint returns a bare count."""
    success_status: int = 200
    rate_limits: tuple[RateLimit, ...] = STANDARD_LIMITS
    page_cap: int | None = None
    """Largest `$top` (or `pageSize` for the JSON exports) the service accepts."""
    filterable: tuple[str, ...] = ()
    """Properties `$filter` may use (documented spelling; compare case-insensitively)."""
    summary: str = ""
    aliases: tuple[str, ...] = field(default=())
    """Other paths the service answers for the same endpoint."""
    odata: tuple[str, ...] = ()
    """OData system query options the endpoint documents (`$filter`, `$top`, `$skip`, `$expand`)."""
    expandable: tuple[str, ...] = ()
    """Navigation properties `$expand` accepts (only `evidence` on alerts)."""
    query_required: tuple[str, ...] = ()
    """Non-OData query parameters the endpoint requires (e.g. `tag`, `sinceTime`)."""
    query_optional: tuple[str, ...] = ()
    body_required: tuple[str, ...] = ()
    """Body fields that must be present; names are case-sensitive as documented."""
    body_optional: tuple[str, ...] = ()
    content_type: str | None = None
    """Media type the request body must have; None for requests without a body."""
    default_page_size: int | None = None
    max_batch: int | None = None
    """Most items one request may carry (machine ids, indicators, indicator ids)."""
    max_results: int | None = None
    """Most items the service ever returns, whatever the paging (domain machines: 500)."""
    max_concurrent: int | None = None
    """Most operations of this kind that may run at once per tenant (live response: 25)."""
    max_body_bytes: int | None = None
    sas_valid_hours_max: int | None = None
    """Largest `sasValidHours` a "via files" export accepts."""
    context_path: str | None = None
    """For the few responses whose `@odata.context` is not `$metadata#<entity_set>`: the
    path (after the API base) the context URL names instead."""
    preview: bool = False
    legacy: bool = False
    notes: str = ""

    @property
    def path_params(self) -> tuple[str, ...]:
        return tuple(re.findall(r"{(\w+)}", self.path))

    @property
    def paths(self) -> tuple[str, ...]:
        """The documented path first, then its aliases."""
        return (self.path, *self.aliases)

    def pattern(self) -> re.Pattern[str]:
        return compile_template(self.path)

    def describe(self) -> str:
        return f"{self.method} {self.path}"


# Permission sets shared by many endpoints. Application roles come first, delegated scopes
# second (suffix `_D`). Spellings are those of the real WindowsDefenderATP service principal
# (see permissions.py), which differ from the docs in two places: `Url.Read.All` (docs:
# `URL.Read.All`) and `RemediationTasks.Read` (docs: `RemediationTask.Read`).
ALERT_READ = ("Alert.Read.All", "Alert.ReadWrite.All")
ALERT_READ_D = ("Alert.Read", "Alert.ReadWrite")
ALERT_WRITE = ("Alert.ReadWrite.All",)
ALERT_WRITE_D = ("Alert.ReadWrite",)
MACHINE_READ = ("Machine.Read.All", "Machine.ReadWrite.All")
MACHINE_READ_D = ("Machine.Read", "Machine.ReadWrite")
MACHINE_WRITE = ("Machine.ReadWrite.All",)
MACHINE_WRITE_D = ("Machine.ReadWrite",)
VULN = ("Vulnerability.Read.All",)
VULN_D = ("Vulnerability.Read",)
SOFTWARE = ("Software.Read.All",)
SOFTWARE_D = ("Software.Read",)
RECOMMENDATION = ("SecurityRecommendation.Read.All",)
RECOMMENDATION_D = ("SecurityRecommendation.Read",)
SCORE = ("Score.Read.All",)
SCORE_D = ("Score.Read",)
REMEDIATION = ("RemediationTasks.Read.All",)
REMEDIATION_D = ("RemediationTasks.Read",)
BASELINE = ("SecurityBaselinesAssessment.Read.All",)
BASELINE_D = ("SecurityBaselinesAssessment.Read",)
INDICATORS = ("Ti.ReadWrite", "Ti.ReadWrite.All")
INDICATORS_D = ("Ti.ReadWrite",)
FILE = ("File.Read.All",)
IP = ("Ip.Read.All",)
URL = ("Url.Read.All",)
USER = ("User.Read.All",)
LIBRARY = ("Library.Manage",)
MACHINE_ACTIONS = (
    "Machine.CollectForensics",
    "Machine.Isolate",
    "Machine.RestrictExecution",
    "Machine.Scan",
    "Machine.Offboard",
    "Machine.StopAndQuarantine",
    "Machine.LiveResponse",
)
"""Cancelling a machine action needs any one of the seven response-action roles."""

JSON = "application/json"
MULTIPART = "multipart/form-data"
