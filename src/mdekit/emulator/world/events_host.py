"""What every operating system's generator shares: the run context, spawning, the timeline.

A host generator owns one device's processes. It boots the device (the processes that
run all the time), signs users in, then runs activities (browse, update, back up,
administer...) at times drawn from the device's daily rhythm until the device's share of
the requested volume is written. Activities are (weight, cost, function) entries: the
cost, the number of rows an activity writes on average, sizes the timeline so that the
volume lands near the request without generating and throwing away."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from mdekit.emulator.world.events_device import Device, Emitter
from mdekit.emulator.world.events_procs import DAY, HOUR, SECOND, Account, Image, Images, Proc

S = TypeVar("S")
Activity = tuple[float, float, Callable[[int], None]]
"""(weight, rows written on average, function of the start time in µs)."""

OFFICE_HOURS = (1, 1, 1, 1, 1, 2, 5, 11, 16, 16, 15, 13, 11, 14, 15, 15, 13, 9, 6, 4, 3, 2, 2, 1)
"""Relative activity per UTC hour on workstations."""
SERVER_HOURS = (6, 5, 5, 5, 5, 6, 7, 9, 10, 10, 10, 10, 10, 10, 10, 10, 10, 9, 8, 7, 7, 7, 6, 6)
WEEKEND_FACTOR = {"workstation": 0.2, "mac": 0.25}


@dataclass
class Context:
    """Everything a host generator may look at besides its own device."""

    emitter: Emitter
    images: Images
    devices: list[Device]
    org: str
    """First label of the tenant's domain ("contoso")."""
    domain: str
    netbios: str
    window_start: int
    now: int
    by_role: dict[str, list[Device]] = field(default_factory=dict)
    admins: list[Account] = field(default_factory=list)
    services: list[Account] = field(default_factory=list)
    notes: list[tuple[str, Device, int, Account]] = field(default_factory=list)
    """What storylines did that the identity tables should show: (kind, device, µs, account)."""
    stubs: dict[tuple[str, str], Proc] = field(default_factory=dict)
    """Long-running system processes storylines share, by (device id, key)."""
    by_ip: dict[str, Device] = field(default_factory=dict)
    """Devices by their current internal address."""
    admin_sources: dict[str, Device] = field(default_factory=dict)
    """Admin account name -> the workstation its owner administers servers from."""

    def role(self, stem: str) -> list[Device]:
        return self.by_role.get(stem, [])


class Host(Generic[S]):
    """Base of the per-OS generators: process spawning and the activity timeline."""

    family = "windows"
    _boot_times: list[int]
    _states: list[S]

    def __init__(self, ctx: Context, dev: Device) -> None:
        self.ctx = ctx
        self.dev = dev
        self.rng = dev.rng
        self.emit = ctx.emitter
        self.images = ctx.images

    # Processes -------------------------------------------------------------------------

    def pid(self) -> int:
        if self.family == "windows":
            return 4 * (150 + int(self.rng.random() * 6000))
        return 300 + int(self.rng.random() * 90_000)

    def image(self, key: str, account: Account | None = None) -> Image:
        user = account.name if account is not None and account.kind in ("user", "admin") else ""
        return self.images.get(key, user)

    def spawn(
        self,
        parent: Proc,
        key: str,
        cmd: str,
        at: int,
        *,
        account: Account | None = None,
        integrity: str | None = None,
        elevation: str | None = None,
        logon_id: int | None = None,
        emit: bool = True,
        image: Image | None = None,
        session: int | None = None,
        remote: tuple[str, str] | None = None,
    ) -> Proc:
        """A child process of `parent` (same account and session unless told), written
        as ProcessCreated when `emit` and inside the device's reporting window."""
        account = account or parent.account
        at = max(at, parent.created + 1_000)  # a child never starts before its parent
        proc = Proc(
            image or self.image(key, account),
            self.pid(),
            at,
            cmd,
            account,
            parent,
            logon_id=logon_id if logon_id is not None else parent.logon_id,
            integrity=integrity or parent.integrity,
            elevation=elevation or parent.elevation,
            session=session if session is not None else parent.session,
            remote=remote or parent.remote,
        )
        if emit and self.dev.start <= at <= self.dev.end:
            self.emit.process(self.dev, proc)
        return proc

    def live(self, at: int) -> bool:
        return self.dev.start <= at <= self.dev.end

    def ctx_admins(self) -> list[Account]:
        return self.ctx.admins

    def ctx_services(self) -> list[Account]:
        return self.ctx.services

    def admin_source(self, admin: Account) -> Device:
        """Where `admin` connects from: their owner's workstation, else any workstation."""
        source = self.ctx.admin_sources.get(admin.name)
        if source is not None:
            return source
        pool = self.ctx.role("workstation") or self.ctx.devices
        return pool[int(self.rng.random() * len(pool))]

    # Timeline --------------------------------------------------------------------------

    def boots(self) -> list[int]:
        """Boot times: the last boot before the window, then reboots inside it."""
        dev, rng = self.dev, self.rng
        spacing = self.boot_spacing()
        first = dev.start - int(rng.random() * spacing)
        times = [first]
        while True:
            nxt = times[-1] + int(spacing * (0.5 + rng.random()))
            if nxt >= dev.end:
                return times
            times.append(nxt)

    def boot_spacing(self) -> int:
        if self.dev.role in ("workstation", "mac"):
            return 5 * DAY
        return 28 * DAY if self.family == "linux" else 14 * DAY

    def activities(self) -> list[Activity]:
        raise NotImplementedError

    def boot(self, at: int) -> S:
        """Start the always-running processes of one boot; returns that boot's state."""
        raise NotImplementedError

    def state(self, at: int) -> S:
        """The state of the boot that was running at `at`."""
        index = bisect.bisect_right(self._boot_times, at) - 1
        return self._states[max(index, 0)]

    def run(self, budget: int) -> None:
        """Boot, then run activities until about `budget` rows are written."""
        dev = self.dev
        if dev.end <= dev.start:
            return
        emitter = self.emit
        start_count = emitter.emitted
        boots = self.boots()
        # Reboots are expensive (a whole process tree); small budgets keep one at most.
        if (len(boots) - 1) * 30 > budget * 0.3:
            boots = boots[: 2 if budget > 150 else 1]
        self._boot_times = boots
        self._states = [self.boot(at) for at in boots]
        if budget <= 0:
            return
        table = self.activities()
        weights = list(itertools.accumulate(w for w, _, _ in table))
        mean_cost = sum(w * c for w, c, _ in table) / weights[-1]
        for _ in range(3):
            remaining = budget - (emitter.emitted - start_count)
            if remaining <= mean_cost * 0.5:
                break
            for at in self.sample_times(max(1, round(remaining / mean_cost))):
                point = self.rng.random() * weights[-1]
                table[bisect.bisect_right(weights, point)][2](at)
                if emitter.emitted - start_count >= budget:
                    return

    def sample_times(self, count: int) -> list[int]:
        """`count` sorted moments in the device's window, following its daily rhythm."""
        dev, rng = self.dev, self.rng
        hours = OFFICE_HOURS if dev.role in ("workstation", "mac") else SERVER_HOURS
        cumulative = list(itertools.accumulate(hours))
        weekend = WEEKEND_FACTOR.get(dev.role, 0.9)
        span = dev.end - dev.start
        times: list[int] = []
        while len(times) < count:
            at = dev.start + int(rng.random() * span)
            day_start = at - at % DAY
            if (day_start // DAY + 3) % 7 >= 5 and rng.random() > weekend:
                continue  # 1970-01-01 was a Thursday: (days + 3) % 7 is 5 or 6 at weekends
            hour = bisect.bisect_right(cumulative, rng.random() * cumulative[-1])
            at = day_start + hour * HOUR + int(rng.random() * HOUR)
            if dev.start <= at <= dev.end:
                times.append(at)
        times.sort()
        return times

    def jitter(self, at: int, seconds: float) -> int:
        return at + int(self.rng.random() * seconds * SECOND)


def pick(rng: random.Random, items: tuple[str, ...] | list[str]) -> str:
    return items[int(rng.random() * len(items))]
