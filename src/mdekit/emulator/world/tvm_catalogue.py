"""The software and CVE catalogues as one world sees them at its `now`.

Built once per TVM generation: CVEs published after `now` are left out, release dates
become ticks, and every (product, release) gets the tuple of CVEs it has, so deriving a
device's vulnerabilities is a lookup. Also the Microsoft KBs (security updates) the CVE
fixes name, with the CVEs and products each one addresses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from mdekit.emulator.world.catalog_cves import CVES, Cve, Fix
from mdekit.emulator.world.catalog_software import OS_PRODUCT_BY_RELEASE, PRODUCTS, Product
from mdekit.emulator.world.cvss import base_score, severity
from mdekit.emulator.world.ticks import TICKS_PER_DAY, TICKS_PER_HOUR, datetime_to_ticks

_NUMBERS = re.compile(r"\d+")
RELEASE_HOUR = 17
"""Vendors ship in the US afternoon; a release dated D exists from D 17:00 UTC."""


def version_key(version: str) -> tuple[int, ...]:
    """A sortable key: the numbers of a version ("9.8p1" -> (9, 8, 1))."""
    return tuple(int(part) for part in _NUMBERS.findall(version))


def in_line(version: str, line: str) -> bool:
    """Whether `version` belongs to a version line ("3.0" holds "3.0.7"; "" holds all)."""
    return not line or version == line or version.startswith(line + ".")


def fix_applies(fix: Fix, version: str) -> bool:
    """Whether a version still has the CVE this fix is for."""
    if not in_line(version, fix.line):
        return False
    key = version_key(version)
    if fix.introduced and key < version_key(fix.introduced):
        return False
    return key < version_key(fix.fixed)


def day_ticks(day: str) -> int:
    """Ticks of midnight UTC of an ISO date."""
    return datetime_to_ticks(datetime.fromisoformat(day).replace(tzinfo=UTC))


def month_name(day: str) -> str:
    """ "2025-05-13" -> "May 2025"."""
    return datetime.fromisoformat(day).strftime("%B %Y")


@dataclass
class KbInfo:
    """A Microsoft security update named by CVE fixes."""

    id: str
    name: str
    date: str
    cves: set[int] = field(default_factory=set)
    products: set[int] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"https://catalog.update.microsoft.com/v7/site/Search.aspx?q=KB{self.id}"


class Catalogue:
    """Products, releases and CVEs known at `now_ticks`, indexed for lookups."""

    def __init__(self, now_ticks: int) -> None:
        self.products: tuple[Product, ...] = PRODUCTS
        self.product_index = {p.id: i for i, p in enumerate(self.products)}
        self.release_ticks = [
            [day_ticks(r.date) + RELEASE_HOUR * TICKS_PER_HOUR for r in p.releases]
            for p in self.products
        ]
        self.cves: tuple[Cve, ...] = tuple(c for c in CVES if day_ticks(c.published) <= now_ticks)
        self.cve_index = {c.id: i for i, c in enumerate(self.cves)}
        self.cvss = [base_score(c.vector) for c in self.cves]
        self.severity = [severity(score) for score in self.cvss]
        self.vulnerable: list[list[tuple[tuple[int, Fix], ...]]] = [
            [() for _ in p.releases] for p in self.products
        ]
        self.kbs: dict[str, KbInfo] = {}
        found: dict[tuple[int, int], list[tuple[int, Fix]]] = {}
        for cve_index, cve in enumerate(self.cves):
            for fix in cve.fixes:
                product_index = self.product_index[fix.product]
                product = self.products[product_index]
                for release_index, release in enumerate(product.releases):
                    if fix_applies(fix, release.version):
                        found.setdefault((product_index, release_index), []).append(
                            (cve_index, fix)
                        )
                if fix.kb is not None:
                    kb = self.kbs.get(fix.kb)
                    if kb is None:
                        kb = KbInfo(fix.kb, f"{month_name(cve.published)} Security Updates",
                                    cve.published)  # fmt: skip
                        self.kbs[fix.kb] = kb
                    kb.cves.add(cve_index)
                    kb.products.add(product_index)
        for (product_index, release_index), pairs in found.items():
            self.vulnerable[product_index][release_index] = tuple(pairs)
        self.os_products = {
            key: (self.product_index[self._os_id(name)], line)
            for key, (name, line) in OS_PRODUCT_BY_RELEASE.items()
        }
        self._by_kinds: dict[tuple[str, ...], tuple[tuple[int, float], ...]] = {}
        self._lines: dict[tuple[int, str], list[int]] = {}

    def _os_id(self, name: str) -> str:
        return next(p.id for p in self.products if p.name == name and p.os_lines)

    def products_for(self, kinds: tuple[str, ...]) -> tuple[tuple[int, float], ...]:
        """(product index, install probability) of the applications a device kind may run."""
        cached = self._by_kinds.get(kinds)
        if cached is None:
            chosen = []
            for index, product in enumerate(self.products):
                for kind, rate in product.rates:
                    if kind in kinds:
                        chosen.append((index, rate))
                        break
            cached = tuple(chosen)
            self._by_kinds[kinds] = cached
        return cached

    def releases_by(self, product_index: int, ticks: int, line: str = "") -> list[int]:
        """Indexes of a product's releases (within `line`) shipped by `ticks`, oldest first.

        When nothing had shipped yet, the oldest release of the line stands in, so every
        device still reports a version."""
        key = (product_index, line)
        in_scope = self._lines.get(key)
        if in_scope is None:
            releases = self.products[product_index].releases
            in_scope = [i for i, r in enumerate(releases) if in_line(r.version, line)]
            self._lines[key] = in_scope
        shipped_ticks = self.release_ticks[product_index]
        shipped = [i for i in in_scope if shipped_ticks[i] <= ticks]
        return shipped or in_scope[:1]

    def newest_release(self, product_index: int, ticks: int) -> int:
        """The newest release shipped by `ticks` (the oldest if none had)."""
        return self.releases_by(product_index, ticks)[-1]

    def eos(self, product_index: int, version: str, now_ticks: int) -> tuple[str, str | None]:
        """(endOfSupportStatus, endOfSupportDate) of a version at `now_ticks`."""
        product = self.products[product_index]
        candidates = [("Version", d) for line, d in product.eos_lines if in_line(version, line)]
        if product.eos_date:
            candidates.append(("Software", product.eos_date))
        if not candidates:
            return "None", None
        kind, day = min(candidates, key=lambda item: item[1])
        ticks = day_ticks(day)
        if ticks <= now_ticks:
            status = f"EOS {kind}"
        elif ticks <= now_ticks + 180 * TICKS_PER_DAY:
            status = f"Upcoming EOS {kind}"
        else:
            return "None", None
        return status, f"{day}T00:00:00+00:00"
