"""Fault rules shared by every process on the database: added and cleared in the database,
matched in memory (no query for a request that no rule matches), and claimed in the
database one request at a time, so `count: 3` faults three requests to the whole service
whichever processes answer them."""

from __future__ import annotations

from mdekit.emulator.domain.faults import FaultRegistry, FaultRule, validate
from mdekit.emulator.store.runtime_repo import RuntimeRepository


class SharedFaults:
    def __init__(self, repo: RuntimeRepository, local: FaultRegistry | None = None) -> None:
        self.repo = repo
        self.local = local or FaultRegistry()

    def reload(self) -> None:
        """Take the rules from the database (another process added, cleared or used some)."""
        self.local.replace_all(
            FaultRule.from_description(stored.rule, stored.remaining)
            for stored in self.repo.faults()
        )

    def add(self, rule: FaultRule) -> FaultRule:
        validate(rule)
        self.repo.add_fault(rule.id, rule.describe(), rule.count)
        self.local.add(rule)
        return rule

    def clear(self) -> None:
        self.repo.clear_faults()
        self.local.clear()

    def rules(self) -> list[FaultRule]:
        """The rules still active, with the requests they have left, as stored."""
        return [
            FaultRule.from_description(stored.rule, stored.remaining)
            for stored in self.repo.faults()
        ]

    def might_match(self, method: str, path: str) -> bool:
        return self.local.might_match(method, path)

    def take(self, method: str, path: str) -> FaultRule | None:
        """The first matching rule this request uses up; None when none is left for it."""
        while (rule := self.local.match(method, path)) is not None:
            if rule.count is None:
                return rule
            if self.repo.claim_fault(rule.id):
                self.local.use(rule.id)
                return rule
            self.local.drop(rule.id)  # used up by another process
        return None
