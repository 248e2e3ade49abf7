"""Deterministic synthetic world generator: machines, users, alerts and what they touch.

`generate_world(tenant_id=..., seed=..., now=...)` returns a `World` whose lists hold
dicts with exactly the camelCase keys the Defender API returns; its profiles keep the
facts (OS family, users, addresses, file hashes) a later events generator reads. It
also holds who signs in where (`logon_users`), each device's internal-address history
(`ip_history`, `machines_seen_with_ip` answers find-by-IP) and the live response
library (`library_files` with their bytes in `library_file_contents`).

`generate_tvm(world)` returns a `Tvm`: the vulnerability-management side (software,
CVEs, machine-CVE rows, KBs, recommendations, remediation tasks, scores, security
baselines), Defender Antivirus health, authenticated scans, and every per-device
assessment export as a lazy generator. It depends only on the world, so it can be
built when first needed; small lists are attributes, per-device data are methods.

Everything is a function of (seed, tenant_id, sizes, now); no timestamp is after `now`
except those that are future by nature: certificate `notAfter`, `endOfSupportDate` of
upcoming end of support, and remediation `dueOn`."""

from mdekit.emulator.world.generate import generate_world
from mdekit.emulator.world.inventory import MachineState
from mdekit.emulator.world.model import FileFacts, IpInterval, MachineProfile, UserProfile, World
from mdekit.emulator.world.tvm import Tvm, generate_tvm

__all__ = [
    "FileFacts",
    "IpInterval",
    "MachineProfile",
    "MachineState",
    "Tvm",
    "UserProfile",
    "World",
    "generate_tvm",
    "generate_world",
]
