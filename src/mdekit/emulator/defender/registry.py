"""Which handler serves which catalog operation: each handler module exports a HANDLERS map,
merged here. An operation with no handler answers 501 in the service's error shape."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from mdekit.emulator.defender.context import HandlerContext, Reply

Handler = Callable[[HandlerContext], Reply]

_MODULES = (
    "mdekit.emulator.defender.handlers_core",
    "mdekit.emulator.defender.handlers_alerts",
    "mdekit.emulator.defender.handlers_actions",
    "mdekit.emulator.defender.handlers_machines",
    "mdekit.emulator.defender.handlers_hunting",
    "mdekit.emulator.defender.handlers_investigations",
    "mdekit.emulator.defender.handlers_indicators",
    "mdekit.emulator.defender.handlers_library",
    "mdekit.emulator.defender.handlers_scans",
    "mdekit.emulator.defender.handlers_entities",
    "mdekit.emulator.defender.handlers_tvm",
    "mdekit.emulator.defender.handlers_exports",
)


def load_handlers() -> dict[str, Handler]:
    handlers: dict[str, Handler] = {}
    for name in _MODULES:
        module_handlers: dict[str, Handler] = import_module(name).HANDLERS
        overlap = set(handlers) & set(module_handlers)
        if overlap:
            raise RuntimeError(f"operations served twice: {sorted(overlap)}")
        handlers.update(module_handlers)
    return handlers
