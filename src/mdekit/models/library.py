"""Live response library file entity (`/api/libraryfiles`, §5.13)."""

from __future__ import annotations

from mdekit.models._base import WireDateTime, WireModel

__all__ = ["LIBRARY_FILE_MAX_BYTES", "LibraryFile"]

LIBRARY_FILE_MAX_BYTES = 20 * 1024 * 1024
"""Upload limit the docs give (20 MB)."""


class LibraryFile(WireModel):
    """A script or file in the live response library."""

    file_name: str
    sha256: str | None = None
    description: str | None = None
    creation_time: WireDateTime | None = None
    last_updated_time: WireDateTime | None = None
    created_by: str | None = None
    has_parameters: bool | None = None
    parameters_description: str | None = None
