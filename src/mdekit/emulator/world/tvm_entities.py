"""Organisation-level TVM entities as wire dicts, built from the catalogue and the sums.

Software (§6.8 Software), vulnerabilities (Vulnerability), version distributions,
missing KBs (PublicProductFixDto), security recommendations (`va-_-vendor-_-product`
for software, `sca-_-scid-N` for configurations) and the scores. Exposure impacts are
what the organisation's mean device exposure would drop by if the recommendation were
applied everywhere; configuration points are what the configuration score would gain."""

from __future__ import annotations

import random

from mdekit.emulator.world.catalog_configs import SECURE_CONFIGS
from mdekit.emulator.world.catalog_cves import Cve
from mdekit.emulator.world.ids import stable_guid, stable_hex
from mdekit.emulator.world.model import WireDict
from mdekit.emulator.world.ticks import TICKS_PER_HOUR, TickFormatter
from mdekit.emulator.world.tvm_aggregate import Aggregates
from mdekit.emulator.world.tvm_catalogue import Catalogue, KbInfo, day_ticks, version_key

EXPLOITED = ("verified", "kit")
EPSS_RANGE = {"none": (0.0004, 0.02), "public": (0.01, 0.3), "verified": (0.2, 0.95),
              "kit": (0.9, 0.975)}  # fmt: skip
AUTO_UPDATING = frozenset({"edge", "chrome", "firefox"})
"""Products whose recommendation names no version ("Update Chrome"), as in the examples."""


def _fraction(identity: str) -> float:
    """A number in [0, 1) fixed by `identity` (the same in every world)."""
    return int(stable_hex(identity, "md5")[:8], 16) / 0x1_0000_0000


def software_id(catalogue: Catalogue, product_index: int) -> str:
    return catalogue.products[product_index].id


def product_cves(catalogue: Catalogue, sums: Aggregates, product_index: int) -> list[int]:
    """CVEs of a product found on any device, by catalogue order."""
    found: set[int] = set()
    for (product, release), _machines in sums.installs.items():
        if product == product_index:
            found.update(cve for cve, _ in catalogue.vulnerable[product][release])
    return sorted(found)


def software_dict(catalogue: Catalogue, sums: Aggregates, product_index: int) -> WireDict:
    """A Software entity (`GET /api/Software/{id}`)."""
    product = catalogue.products[product_index]
    stats = sums.products[product_index]
    cves = product_cves(catalogue, sums, product_index)
    return {
        "id": product.id,
        "name": product.name,
        "vendor": product.vendor,
        "weaknesses": len(cves),
        "publicExploit": any(catalogue.cves[c].exploit != "none" for c in cves),
        "activeAlert": stats.active_alert,
        "exposedMachines": stats.exposed,
        "impactScore": round(stats.exposure_delta / max(1, sums.machine_count), 8),
    }


def vulnerability_dict(
    catalogue: Catalogue, sums: Aggregates, cve_index: int, now_ticks: int, fmt: TickFormatter
) -> WireDict:
    """A Vulnerability entity (`GET /api/vulnerabilities/{cveId}`)."""
    cve = catalogue.cves[cve_index]
    published = day_ticks(cve.published)
    revised = cve_updated_ticks(cve)
    low, high = EPSS_RANGE[cve.exploit]
    return {
        "id": cve.id,
        "name": cve.id,
        "description": cve.summary,
        "severity": catalogue.severity[cve_index],
        "cvssV3": catalogue.cvss[cve_index],
        "cvssVector": cvss_vector(cve),
        "exposedMachines": sums.cve_exposed.get(cve_index, 0),
        "publishedOn": fmt.iso_seconds(published),
        "updatedOn": fmt.iso_seconds(min(revised, now_ticks)),
        "publicExploit": cve.exploit != "none",
        "exploitVerified": cve.exploit in EXPLOITED,
        "exploitInKit": cve.exploit == "kit",
        "exploitTypes": list(cve.exploit_types),
        "exploitUris": [],
        "cveSupportability": "Supported",
        "epss": round(low + (high - low) * _fraction(f"epss|{cve.id}"), 5),
    }


def cve_updated_ticks(cve: Cve) -> int:
    """When the CVE's record last changed: one to sixty days after publication."""
    published = day_ticks(cve.published)
    return published + int((24 + _fraction(f"updated|{cve.id}") * 59 * 24) * TICKS_PER_HOUR)


def cvss_vector(cve: Cve) -> str:
    """The base vector plus temporal metrics that follow the exploit level."""
    maturity = {"none": "U", "public": "P", "verified": "F", "kit": "H"}[cve.exploit]
    return f"{cve.vector}/E:{maturity}/RL:O/RC:C"


def exploitability_level(cve: Cve) -> str:
    """The export rows' exploitabilityLevel."""
    return {
        "none": "NoExploit",
        "public": "ExploitIsPublic",
        "verified": "ExploitIsVerified",
        "kit": "ExploitIsInKit",
    }[cve.exploit]


def distribution_dicts(
    catalogue: Catalogue, sums: Aggregates, product_index: int
) -> list[WireDict]:
    """`GET /api/Software/{id}/distributions`: installed versions, oldest first."""
    releases = catalogue.products[product_index].releases
    rows = [
        (
            version_key(releases[release].version),
            {
                "version": releases[release].version,
                "installations": len(machines),
                "vulnerabilities": len(catalogue.vulnerable[product_index][release]),
            },
        )
        for (product, release), machines in sums.installs.items()
        if product == product_index
    ]
    return [row for _, row in sorted(rows, key=lambda item: item[0])]


def kb_dict(catalogue: Catalogue, sums: Aggregates, kb: KbInfo) -> WireDict:
    """A missing KB (`PublicProductFixDto`)."""
    return {
        "id": kb.id,
        "name": kb.name,
        "productsNames": sorted({catalogue.products[p].name for p in kb.products}),
        "url": kb.url,
        "machineMissedOn": sums.kb_missing.get(kb.id, 0),
        "cveAddressed": len(kb.cves),
    }


def software_recommendation(
    catalogue: Catalogue, sums: Aggregates, product_index: int, now_ticks: int
) -> WireDict:
    """A `va-_-vendor-_-product` recommendation."""
    product = catalogue.products[product_index]
    stats = sums.products[product_index]
    cves = product_cves(catalogue, sums, product_index)
    newest = catalogue.newest_release(product_index, now_ticks)
    clean = not catalogue.vulnerable[product_index][newest]
    version = ""
    name = f"Update {product.display}"
    if not product.os_lines and product.name not in AUTO_UPDATING and clean:
        version = product.releases[newest].version
        name = f"Update {product.display} to version {version}"
    threats = sorted(stable_guid(f"threat|{catalogue.cves[c].id}") for c in cves
                     if catalogue.cves[c].exploit in EXPLOITED)  # fmt: skip
    return _recommendation(
        f"va-_-{product.vendor}-_-{product.name}",
        product.name,
        name,
        len(cves),
        product.vendor,
        version,
        "Application",
        "",
        0.0,
        any(catalogue.cves[c].exploit != "none" for c in cves),
        stats.active_alert,
        threats[:5],
        product.remediation,
        0.0,
        stats.exposure_delta / max(1, sums.machine_count),
        stats.installed,
        stats.exposed,
        0,
        product.display,
        ["internetFacing"] if stats.internet_facing else [],
        stats.critical,
    )


def config_recommendation(catalogue: Catalogue, sums: Aggregates, config_index: int) -> WireDict:
    """A `sca-_-scid-N` recommendation."""
    config = SECURE_CONFIGS[config_index]
    stats = sums.configs[config_index]
    os_product = max(stats.os_products.items(), key=lambda item: (item[1], -item[0]))[0]
    product = catalogue.products[os_product]
    points = config.impact * 10 * stats.exposed / max(1, stats.applicable)
    return _recommendation(
        f"sca-_-{config.scid}",
        product.name,
        config.name,
        1,
        product.vendor,
        "",
        config.category,
        config.subcategory,
        float(config.impact),
        False,
        False,
        [],
        "ConfigurationChange",
        round(points, 2),
        stats.exposure_delta / max(1, sums.machine_count),
        stats.applicable,
        stats.exposed,
        stats.no_user_impact,
        config.subcategory or config.category,
        [],
        stats.critical,
    )


def _recommendation(
    rec_id: str,
    product_name: str,
    name: str,
    weaknesses: int,
    vendor: str,
    version: str,
    category: str,
    subcategory: str,
    severity_score: float,
    public_exploit: bool,
    active_alert: bool,
    threats: list[str],
    remediation: str,
    config_impact: float,
    exposure_impact: float,
    total: int,
    exposed: int,
    no_productivity_impact: int,
    component: str,
    tags: list[str],
    critical: int,
) -> WireDict:
    return {
        "id": rec_id,
        "productName": product_name,
        "recommendationName": name,
        "weaknesses": weaknesses,
        "vendor": vendor,
        "recommendedVersion": version,
        "recommendedVendor": "",
        "recommendedProgram": "",
        "recommendationCategory": category,
        "subCategory": subcategory,
        "severityScore": severity_score,
        "publicExploit": public_exploit,
        "activeAlert": active_alert,
        "associatedThreats": threats,
        "remediationType": remediation,
        "status": "Active",
        "configScoreImpact": config_impact,
        "exposureImpact": round(exposure_impact, 8),
        "totalMachineCount": total,
        "exposedMachinesCount": exposed,
        "nonProductivityImpactedAssets": no_productivity_impact,
        "relatedComponent": component,
        "tags": tags,
        "exposedCriticalDevices": critical,
    }


def mark_exceptions(rng: random.Random, recommendations: list[WireDict]) -> None:
    """Put one or two low-impact recommendations under an exception, as tenants do."""
    candidates = [r for r in recommendations if r["exposedMachinesCount"] <= 3]
    for rec in rng.sample(candidates, min(len(candidates), 1 + int(rng.random() * 2))):
        rec["status"] = "Exception"


def configuration_points(sums: Aggregates) -> float:
    """The configuration score: impact x 10 points per configuration, by compliant share."""
    points = 0.0
    for config_index, stats in sums.configs.items():
        if stats.applicable:
            impact = SECURE_CONFIGS[config_index].impact
            points += impact * 10 * (stats.applicable - stats.exposed) / stats.applicable
    return round(points, 2)
