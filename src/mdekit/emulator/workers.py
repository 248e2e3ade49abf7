"""Several worker processes behind one socket (`mdekit emulator serve --workers N`).

uvicorn's supervisor starts each worker as a fresh interpreter that imports the app by
name, so the configuration travels in an environment variable: the parent writes it, each
worker's `create_worker_app` reads it and builds its own emulator on the shared database."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from mdekit.emulator.app import build, create_app
from mdekit.emulator.config import EmulatorConfig

CONFIG_ENV = "MDE_EMULATOR_WORKER_CONFIG"
APP_FACTORY = "mdekit.emulator.workers:create_worker_app"


def config_to_env(config: EmulatorConfig) -> str:
    values = asdict(config)
    values["state_dir"] = str(config.state_dir)
    return json.dumps(values)


def config_from_env(environ: dict[str, str] | None = None) -> EmulatorConfig:
    text = (environ if environ is not None else os.environ).get(CONFIG_ENV)
    if not text:
        raise RuntimeError(
            f"{CONFIG_ENV} is not set: workers are started by `mdekit emulator serve --workers N`"
        )
    values: dict[str, Any] = json.loads(text)
    known = {field.name for field in fields(EmulatorConfig)}
    values = {name: value for name, value in values.items() if name in known}
    values["state_dir"] = Path(values["state_dir"])
    return EmulatorConfig(**values)


def create_worker_app() -> FastAPI:
    """The app of one worker (uvicorn calls this in each worker process)."""
    config = config_from_env()
    emulator = build(config)
    app = create_app(config, emulator)

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        # A worker dies by its SIGTERM right after uvicorn's graceful shutdown, so close
        # (flush the journal, stop polling) in the shutdown step, before that.
        yield
        emulator.close()

    app.router.lifespan_context = lifespan
    return app
