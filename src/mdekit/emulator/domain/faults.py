"""Fault injection: the next N requests matching a method and a path pattern answer an
error status (with Retry-After), or stall first. Rules are data; matching is pure."""

from __future__ import annotations

import fnmatch
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol


@dataclass(frozen=True)
class FaultRule:
    path: str
    """Glob over the request path, case-insensitive (`/api/alerts*`, `*/oauth2/v2.0/token`)."""
    status: int | None = 503
    """Status to answer; None with `stall_seconds` only delays the real answer."""
    count: int | None = 1
    """How many requests it applies to; None means until cleared."""
    retry_after: int | None = None
    stall_seconds: float = 0.0
    method: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        return fnmatch.fnmatchcase(path.lower(), self.path.lower())

    def describe(self) -> dict[str, object]:
        return {
            "id": self.id,
            "path": self.path,
            "status": self.status,
            "count": self.count,
            "retryAfter": self.retry_after,
            "stallSeconds": self.stall_seconds,
            "method": self.method,
        }

    @staticmethod
    def from_description(doc: dict[str, Any], remaining: int | None) -> FaultRule:
        """The rule `describe()` wrote, with `remaining` requests left."""
        stall = doc.get("stallSeconds")
        retry = doc.get("retryAfter")
        return FaultRule(
            path=str(doc["path"]),
            status=int(doc["status"]) if doc.get("status") is not None else None,
            count=remaining,
            retry_after=int(retry) if retry is not None else None,
            stall_seconds=float(stall) if stall else 0.0,
            method=str(doc["method"]) if doc.get("method") else None,
            id=str(doc["id"]),
        )


def validate(rule: FaultRule) -> FaultRule:
    if rule.status is not None and not 400 <= rule.status <= 599:
        raise ValueError("a fault's status must be 400-599")
    if rule.count is not None and rule.count < 1:
        raise ValueError("a fault's count must be at least 1")
    return rule


class FaultSource(Protocol):
    """What the fault middleware asks: a cheap in-memory look first, then the claim."""

    def might_match(self, method: str, path: str) -> bool: ...

    def take(self, method: str, path: str) -> FaultRule | None: ...


class FaultRegistry:
    """The active rules as this process knows them (`control.shared_state` keeps them in
    step with the database when several processes serve)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> FaultRule:
        validate(rule)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def replace_all(self, rules: Iterable[FaultRule]) -> None:
        with self._lock:
            self._rules = list(rules)

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def match(self, method: str, path: str) -> FaultRule | None:
        """The first matching rule, not used up."""
        if not self._rules:
            return None
        with self._lock:
            return next((rule for rule in self._rules if rule.matches(method, path)), None)

    def might_match(self, method: str, path: str) -> bool:
        return self.match(method, path) is not None

    def use(self, rule_id: str) -> bool:
        """One request of the rule was faulted; False when the rule is no longer here."""
        with self._lock:
            return self._use(rule_id)

    def _use(self, rule_id: str) -> bool:
        for index, rule in enumerate(self._rules):
            if rule.id == rule_id:
                if rule.count is not None:
                    if rule.count > 1:
                        self._rules[index] = replace(rule, count=rule.count - 1)
                    else:
                        del self._rules[index]
                return True
        return False

    def drop(self, rule_id: str) -> None:
        with self._lock:
            self._rules = [rule for rule in self._rules if rule.id != rule_id]

    def take(self, method: str, path: str) -> FaultRule | None:
        """The first matching rule, used up by one; None when nothing matches."""
        if not self._rules:
            return None
        with self._lock:
            rule = next((rule for rule in self._rules if rule.matches(method, path)), None)
            if rule is not None:
                self._use(rule.id)
            return rule
