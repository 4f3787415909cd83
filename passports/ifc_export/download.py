"""The written-back model as a download, for the building page and the API.

The model is written to a temporary file in the upload folder's staging area (the same disk as
the kept models, so a full disk is the 507 every upload gets), opened, and removed from the
folder at once: the open handle streams it, and nothing is left behind whatever the client
does. Who may download: whoever may read the building's full passport (passports.permissions),
the caller checks that; the model holds nothing the passport does not show them already
besides its geometry, which is the building's own.
"""

import logging
import os
import re
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from flask import Response
from flask_babel import gettext as _

from app.errors import ServiceError
from passports.ifc_export.queries import components_by_guid
from passports.ifc_export.store import model_path
from passports.ifc_export.writeback import WriteResult
from passports.ifc_export.writeback import write_back
from passports.imports.models import ImportRun
from passports.imports.staging import scratch_folder
from passports.models import Building

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/x-step"
_CHUNK = 256 * 1024


class NoModel(ServiceError):
    """The import has no kept model (made before models were kept, or a spreadsheet)."""

    code = 404


def no_model_message() -> str:
    """Why there is nothing to download, and how to get a model (in the reader's language)."""
    return _(
        "No IFC model is kept for this building: models are kept for IFC imports made since "
        "this feature exists. Import the IFC file again (it changes nothing that is already "
        "up to date) and its model can be downloaded with the passports."
    )


def download_name(building: Building) -> str:
    """`<building>-passport.ifc`, in ASCII letters, digits and hyphens."""
    ascii_name = unicodedata.normalize("NFKD", building.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "building"
    return f"{building.id}-{slug}-passport.ifc"


def _stream(handle) -> Iterator[bytes]:
    try:
        while chunk := handle.read(_CHUNK):
            yield chunk
    finally:
        handle.close()


def written_model(building: Building, run: ImportRun | None) -> tuple[object, WriteResult]:
    """The run's kept model written back with the building's passports: an open file (already
    unlinked) and what was done. NoModel (404) when there is no kept model."""
    source = model_path(run.model_file) if run is not None else None
    if source is None:
        raise NoModel(no_model_message())
    started = time.perf_counter()
    with scratch_folder("ifc-") as folder:
        target = Path(folder) / "passport.ifc"
        result = write_back(source, target, components_by_guid(building.id))
        handle = target.open("rb")
    log.info(
        "IFC write-back of building %s (import %s): %s elements tagged, %s removed, in %.2f s",
        building.id,
        run.id,
        result.tagged,
        result.removed,
        time.perf_counter() - started,
    )
    return handle, result


def model_response(building: Building, run: ImportRun | None) -> Response:
    """The written-back model as an attachment named after the building."""
    handle, result = written_model(building, run)
    size = os.fstat(handle.fileno()).st_size
    response = Response(_stream(handle), mimetype=MEDIA_TYPE, direct_passthrough=True)
    response.headers["Content-Disposition"] = f'attachment; filename="{download_name(building)}"'
    response.headers["Content-Length"] = str(size)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-IFC-Elements-Tagged"] = str(result.tagged)
    return response
