"""Fault 2 of the `faults` benchmark: photo uploads into a small tmpfs UPLOAD_DIR until the disk
is full; the answer must be a clear 507 with no partial file or orphan row, and uploads must
succeed again once space is freed, without a restart (needs root to mount the tmpfs)."""

from __future__ import annotations

import http.client
import io
import json
import os
import secrets
import subprocess
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from bench.common import Result
from bench.common import log
from bench.common import scalar
from bench.faults_client import CLIENT_TIMEOUT_S
from bench.mixed_setup import Workload
from bench.mixed_setup import production_server

TMPFS_BYTES = 1024 * 1024
FILLER_BYTES = 256 * 1024


def _photo() -> bytes:
    """A JPEG of noise: it stays big when the server re-encodes it."""
    from PIL import Image

    side = 360
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _multipart(fields: dict[str, str], photo: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    head = "".join(parts) + (
        f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; '
        'filename="site.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
    )
    body = head.encode() + photo + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _upload(base_url: str, token: str, component: str) -> tuple[int, dict]:
    parts = urlsplit(base_url)
    body, content_type = _multipart({"kind": "note", "notes": "photo of the fixings"}, _photo())
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=CLIENT_TIMEOUT_S)
    try:
        conn.request(
            "POST",
            f"/api/v1/components/{component}/events",
            body=body,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": content_type,
                "Accept": "application/json",
                "Idempotency-Key": f"full-disk-{secrets.token_hex(8)}",
            },
        )
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def _skipped(reason: str) -> list[Result]:
    log(f"faults: full disk skipped: {reason}")
    return [
        Result(
            "faults: full disk during photo upload",
            "postgresql",
            f"skipped: {reason}",
            "507, nothing partial",
        )
    ]


def full_disk(workload: Workload, workdir: Path) -> list[Result]:
    """Part 2: upload photos to a real server until its tiny upload disk is full."""
    if os.geteuid() != 0:
        return _skipped("needs root")
    mountpoint = workdir / "tiny-uploads"
    mountpoint.mkdir(exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_BYTES // 1024}k", "tmpfs", mountpoint],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return _skipped(f"mount failed ({done.stderr.strip() or done.returncode})")
    try:
        return _fill_the_disk(workload, workdir, mountpoint)
    finally:
        if subprocess.run(["umount", mountpoint], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", mountpoint], capture_output=True)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _fill_the_disk(workload: Workload, workdir: Path, mountpoint: Path) -> list[Result]:
    filler = mountpoint / "filler.bin"
    filler.write_bytes(b"\0" * FILLER_BYTES)
    component = workload.lines("components")[0]
    sql_photos = "SELECT count(*) FROM event_photos"
    sql_events = f"SELECT count(*) FROM component_events WHERE component_id = {int(component)}"
    photos_before, events_before = (
        scalar(workload.url, sql_photos),
        scalar(workload.url, sql_events),
    )
    statuses: list[int] = []
    refusal: dict = {}
    with production_server(
        workload.url, workdir, "faults-disk", workers=2, upload_dir=mountpoint
    ) as server:
        for _ in range(40):
            status, body = _upload(server.base_url, workload.contractor_token, component)
            statuses.append(status)
            if status == 507:
                refusal = body
                break
        # One more while full: still a clean 507, still nothing left behind.
        again, _body = _upload(server.base_url, workload.contractor_token, component)
        statuses.append(again)
        left_over = [p.name for p in _files(mountpoint) if p.name.startswith(".")]
        stored = [p for p in _files(mountpoint) if p != filler and not p.name.startswith(".")]
        photo_rows = scalar(workload.url, sql_photos) - photos_before
        event_rows = scalar(workload.url, sql_events) - events_before
        created = statuses.count(201)
        # Room again: the same server takes the next photo.
        filler.unlink()
        after, _body = _upload(server.base_url, workload.contractor_token, component)
    full_at = statuses.index(507) + 1 if 507 in statuses else None
    consistent = photo_rows == event_rows == created == len(stored)
    ok = (
        full_at is not None
        and again == 507
        and not left_over
        and consistent
        and after == 201
        and set(statuses) <= {201, 507}
    )
    message = refusal.get("message", "")
    figure = (
        f"507 at upload {full_at} ({created} stored), {len(left_over)} partial files, "
        f"{photo_rows - len(stored)} orphan rows, then 201 once freed"
        if full_at
        else f"never full: {Counter(statuses)}"
    )
    return [
        Result(
            "faults: full disk during photo upload",
            "postgresql",
            figure,
            "507, nothing partial",
            ok,
            {
                "tmpfs_bytes": TMPFS_BYTES,
                "filler_bytes": FILLER_BYTES,
                "statuses": statuses,
                "photo_rows_added": photo_rows,
                "event_rows_added": event_rows,
                "files_stored": len(stored),
                "partial_or_temporary_files": left_over,
                "after_freeing": after,
                "refusal": refusal,
            },
            [
                f"UPLOAD_DIR on a {TMPFS_BYTES // 1024} KiB tmpfs with a "
                f"{FILLER_BYTES // 1024} KiB filler; gunicorn 2 workers; statuses in order: "
                f"{' '.join(map(str, statuses))}; after deleting the filler: {after}",
                f"507 body: {json.dumps(refusal)}" if refusal else "no 507 body",
                f"rows added: {event_rows} events, {photo_rows} photos; files stored: "
                f"{len(stored)}; left-over temporary files: {left_over or 'none'}; message: "
                f"{message!r}",
            ],
        )
    ]
