"""The console's pages, one router for the app to include. Everything but the home page
lives under `/_console/` so it can never collide with an API path or a tenant segment."""

from __future__ import annotations

from fastapi import APIRouter

from mdekit.emulator.console import (
    app_routes,
    data_routes,
    home_routes,
    inspector_routes,
    journal_routes,
)

router = APIRouter(include_in_schema=False)
for _module in (home_routes, app_routes, inspector_routes, journal_routes, data_routes):
    router.include_router(_module.router)
