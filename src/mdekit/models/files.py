"""File, IP and domain entities and their in-organization statistics (§6.6)."""

from __future__ import annotations

from pydantic import Field

from mdekit.models._base import WireDateTime, WireModel

__all__ = [
    "FILE_DETERMINATION_TYPES",
    "Domain",
    "DomainStats",
    "File",
    "FileStats",
    "Ip",
    "IpStats",
]

FILE_DETERMINATION_TYPES = ("Unknown", "Clean", "Malware", "Pua", "Suspicious")
"""`determinationType` values seen in examples ("Pua", "Unknown") plus common ones."""


class File(WireModel):
    """A file profile (`GET /api/files/{sha1|sha256}`, `/api/alerts/{id}/files`)."""

    sha1: str | None = None
    sha256: str | None = None
    md5: str | None = None
    """Present in the alert-files example, not in the File table."""
    global_prevalence: int | None = None
    global_first_observed: WireDateTime | None = None
    global_last_observed: WireDateTime | None = None
    size: int | None = None
    file_type: str | None = None
    is_pe_file: bool | None = None
    file_publisher: str | None = None
    file_product_name: str | None = None
    signer: str | None = None
    issuer: str | None = None
    signer_hash: str | None = None
    is_valid_certificate: bool | None = None
    determination_type: str | None = None
    determination_value: str | None = None


class FileStats(WireModel):
    """`InOrgFileStats` (`GET /api/files/{id}/stats`); `globallyPrevalence` is sic."""

    sha1: str | None = None
    organization_prevalence: int | None = None
    org_first_seen: WireDateTime | None = None
    org_last_seen: WireDateTime | None = None
    globally_prevalence: int | None = None
    global_first_observed: WireDateTime | None = None
    global_last_observed: WireDateTime | None = None
    top_file_names: list[str] = Field(default_factory=list)


class IpStats(WireModel):
    """`InOrgIPStats` (`GET /api/ips/{ip}/stats`)."""

    ip_address: str | None = None
    organization_prevalence: int | None = None
    org_first_seen: WireDateTime | None = None
    org_last_seen: WireDateTime | None = None


class DomainStats(WireModel):
    """`InOrgDomainStats` (`GET /api/domains/{domain}/stats`)."""

    host: str | None = None
    organization_prevalence: int | None = None
    org_first_seen: WireDateTime | None = None
    org_last_seen: WireDateTime | None = None


class Ip(WireModel):
    """An item of `GET /api/alerts/{id}/ips`: `{"id": "<ip>"}`."""

    id: str


class Domain(WireModel):
    """An item of `GET /api/alerts/{id}/domains`: `{"host": "<domain>"}`."""

    host: str
