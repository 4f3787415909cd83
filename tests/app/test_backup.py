"""Backup and restore: `flask backup create|verify|restore` round trips that lose nothing,
and archives or targets that are refused without changing anything."""

import hashlib
import io
import json
import os
import shutil
import struct
import zipfile
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import timezone
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import JSON
from sqlalchemy import create_engine
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import update
from sqlalchemy.engine import make_url
from sqlalchemy.sql.elements import Null

from app import create_app
from app.auth.models import User
from app.backup import codec
from app.backup import tables as backup_tables
from app.extensions import db as _db
from marketplace import search
from marketplace.models import Listing
from passports import services as passport_services
from passports.models import Building
from passports.models import Component
from tests.conftest import BACKEND
from tests.conftest import _migrate
from tests.passports.imports.conftest import CSV_HEADER
from tests.passports.imports.conftest import multipart

CSV = CSV_HEADER + (
    'W-1,Brick wall,external_wall,00,12.5,m3,"Common clay brick 85%; Lime mortar 15%",4\n'
    "W-2,Partition,internal_wall,01,3,m3,Kalkzandsteen XL,3\n"
)


# ---------------------------------------------------------------- databases to restore into
def _fresh_sqlite(database_template, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "restored.sqlite"
    shutil.copy(database_template, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def second_database(database_template):
    """PostgreSQL only: a second migrated database in the same throwaway cluster."""
    if BACKEND != "postgresql":
        yield None
        return
    url = make_url(database_template)
    name = f"mpx_restore_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    target = url.set(database=name).render_as_string(hide_password=False)
    _migrate(target)
    yield target
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _empty_everything(application) -> None:
    """Delete every row of a PostgreSQL test database, ids restarting at 1."""
    with application.app_context(), _db.engine.begin() as connection:
        tables = backup_tables.data_tables(connection)
        names = ", ".join(f'"{t.name}"' for t in tables)
        connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture
def target(app, database_template, second_database, tmp_path):
    """A second app on a fresh, migrated, empty database, with its own upload folder."""
    if BACKEND == "postgresql":
        uri = second_database
    else:
        uri = _fresh_sqlite(database_template, tmp_path / "target")
    application = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=uri, UPLOAD_DIR=str(tmp_path / "restored-uploads")
    )
    yield application
    with application.app_context():
        _db.session.remove()
    if BACKEND == "postgresql":
        _empty_everything(application)
    with application.app_context():
        _db.engine.dispose()


def _cli(application, *args):
    """Run a command against another app: its context is pushed, since a command only pushes
    its own app's context when none is active (and the `app` fixture's is)."""
    with application.app_context():
        result = application.test_cli_runner().invoke(args=[str(a) for a in args])
        _db.session.remove()
    return result


# ---------------------------------------------------------------- what is compared
def tables_of(application, *, derived: bool = True) -> dict[str, list[tuple]]:
    """Every row of every data table, all columns (or without derived ones), in key order.
    JSON columns also say whether they are SQL NULL, which SQLAlchemy reads as None too."""
    with application.app_context(), _db.engine.connect() as connection:
        out = {}
        for table in backup_tables.data_tables(connection):
            columns = list(table.columns) if derived else backup_tables.data_columns(table)
            flags = [c.is_(None) for c in columns if isinstance(c.type, JSON)]
            stmt = select(*columns, *flags).order_by(*table.primary_key.columns)
            out[table.name] = [tuple(row) for row in connection.execute(stmt)]
        if derived and connection.dialect.name == "sqlite":
            out["listing_search (FTS5)"] = [
                tuple(row)
                for row in connection.exec_driver_sql("SELECT rowid, * FROM listing_search")
            ]
    return out


def files_of(root: Path) -> dict[str, bytes]:
    """Every file under an upload folder, by relative path."""
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def mtimes(root: Path) -> dict[str, float]:
    """When each file was last written (staged imports expire by it)."""
    return {
        p.relative_to(root).as_posix(): p.stat().st_mtime for p in root.rglob("*") if p.is_file()
    }


def upload_root(application) -> Path:
    return Path(application.config["UPLOAD_DIR"])


def search_ids(application, query: str) -> list[int]:
    with application.app_context():
        stmt, _score = search.apply_match(select(Listing.id), query)
        ids = sorted(_db.session.scalars(stmt))
        _db.session.rollback()
        return ids


def _user(db, email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def jpeg(colour=(180, 90, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buf, "JPEG")
    return buf.getvalue()


# ---------------------------------------------------------------- a rich world
@pytest.fixture
def world(app, db, runner, client, token_for):
    """The demo world and its exchange, an event with photos, an import run, a staged
    import, a saved search, a passport snapshot, and values that are hard to keep exact."""
    from passports.imports.staging import create_stage

    for args in (["demo", "load"], ["exchange", "demo"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    contractor = _user(db, "contractor@demontage.example")
    owner = _user(db, "owner@brummen.example")
    buyer = _user(db, "buyer@kk.example")
    town_hall = db.session.scalar(select(Building).where(Building.name == "Brummen Town Hall"))
    component = db.session.scalars(
        select(Component).where(Component.building_id == town_hall.id).order_by(Component.id)
    ).first()
    photos = client.post(
        f"/api/v1/components/{component.id}/events",
        headers=token_for(contractor),
        **multipart(
            {
                "kind": "note",
                "notes": "Photographed on site",
                "photos": (io.BytesIO(jpeg()), "a.jpg"),
            }
        ),
    )
    assert photos.status_code == 201, photos.json
    owner_auth = token_for(owner)
    imported = client.post(
        f"/api/v1/buildings/{town_hall.id}/imports",
        headers=owner_auth,
        **multipart({"file": (io.BytesIO(CSV.encode()), "walls.csv"), "dry_run": "false"}),
    )
    assert imported.status_code == 201, imported.json
    snapshot = client.post(
        f"/api/v1/buildings/{town_hall.id}/snapshots",
        headers=owner_auth,
        json={"label": "as built"},
    )
    assert snapshot.status_code == 201, snapshot.json
    saved = client.post(
        "/api/v1/saved-searches",
        headers=token_for(buyer),
        json={"name": "Bricks near Copenhagen", "params": {"q": "brick"}},
    )
    assert saved.status_code == 201, saved.json
    create_stage(io.BytesIO(CSV.encode()), "staged.csv", owner.id, town_hall.id)
    # Values a lossy encoding would change: doubles needing 17 significant digits, text
    # outside the Basic Multilingual Plane and with a tab and a line separator.
    db.session.execute(
        update(Component).where(Component.id == component.id).values(mass_kg=0.1 + 0.2)
    )
    db.session.execute(
        update(Listing)
        .where(Listing.id == db.session.scalar(select(func.min(Listing.id))))
        .values(price_eur=1 / 3, description="Bricks 🧱 from Bispebjerg\ttab\u2028line")
    )
    search.reindex_all()
    db.session.commit()
    return {"town_hall": town_hall.id}


# ---------------------------------------------------------------- round trips
def test_round_trip_loses_nothing(app, db, runner, target, world, tmp_path):
    archive = tmp_path / "exchange.zip"
    made = runner.invoke(args=["backup", "create", str(archive)])
    assert made.exit_code == 0, made.output
    assert "Backup written to" in made.output and archive.exists()
    with zipfile.ZipFile(archive) as z:
        manifest = json.loads(z.read("manifest.json"))
        names = set(z.namelist())
    assert manifest["format"] == "mpx-backup" and manifest["revision"]
    listed = [entry["name"] for entry in manifest["tables"]]
    assert "alembic_version" not in listed and not any("listing_search" in n for n in listed)
    assert listed.index("organisations") < listed.index("users") < listed.index("reservations")
    assert {e["member"] for e in manifest["tables"] + manifest["uploads"]["files"]} <= names
    uploaded = {f["path"] for f in manifest["uploads"]["files"]}
    assert any(p.startswith("imports/") for p in uploaded)
    assert any("/" not in p and p.endswith(".jpg") for p in uploaded)

    restored = _cli(target, "backup", "restore", archive)
    assert restored.exit_code == 0, restored.output
    assert "Restored" in restored.output

    source_tables = tables_of(app)
    assert tables_of(target) == source_tables
    assert all(source_tables[name] for name in ("components", "event_photos", "import_runs"))
    assert files_of(upload_root(target)) == files_of(upload_root(app))
    assert mtimes(upload_root(target)) == pytest.approx(mtimes(upload_root(app)), abs=1e-3)
    assert not [p for p in upload_root(target).iterdir() if p.name.startswith(".restore-")]
    assert search_ids(target, "brick") == search_ids(app, "brick") != []
    assert search_ids(target, "bispebjerg") == search_ids(app, "bispebjerg") != []

    # New rows get fresh ids: PostgreSQL's sequences were moved past the restored ones.
    with target.app_context():
        owner = _user(_db, "owner@brummen.example")
        most = _db.session.scalar(select(func.max(Building.id)))
        building = passport_services.register_building(
            owner,
            {
                "name": "New town hall",
                "address": "Markt 2",
                "city": "Brummen",
                "country": "NL",
                "use_type": "civic",
                "status": "in_use",
            },
        )
        passport_services.create_component(
            building,
            {"name": "Door", "category": "door", "quantity": 1.0, "unit": "pcs", "condition": 4},
        )
        _db.session.commit()
        assert building.id == most + 1
        _db.session.remove()


def test_restore_with_force_replaces_the_data(app, db, runner, world, tmp_path, make_user):
    archive = tmp_path / "before.zip"
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    before_tables, before_files = tables_of(app), files_of(upload_root(app))
    make_user("owner")
    (upload_root(app) / "imports" / "stale-stage").mkdir()
    db.session.rollback()

    refused = runner.invoke(args=["backup", "restore", str(archive)])
    assert refused.exit_code != 0
    assert "not empty" in refused.output and "--force" in refused.output

    forced = runner.invoke(args=["backup", "restore", str(archive), "--force"])
    assert forced.exit_code == 0, forced.output
    assert tables_of(app) == before_tables
    assert files_of(upload_root(app)) == before_files
    assert not (upload_root(app) / "imports" / "stale-stage").exists()


def test_verify_checks_an_archive_and_create_keeps_an_existing_file(app, runner, tmp_path):
    archive = tmp_path / "library.zip"
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    verified = runner.invoke(args=["backup", "verify", str(archive)])
    assert verified.exit_code == 0 and "is intact" in verified.output
    again = runner.invoke(args=["backup", "create", str(archive)])
    assert again.exit_code != 0 and "--overwrite" in again.output
    assert runner.invoke(args=["backup", "create", str(archive), "--overwrite"]).exit_code == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


# ---------------------------------------------------------------- refusals change nothing
@pytest.fixture
def small_archive(app, runner, tmp_path):
    """An archive of the material library and two uploaded files."""
    root = upload_root(app)
    (root / "imports" / "stage1").mkdir(parents=True)
    (root / "imports" / "stage1" / "upload").write_bytes(CSV.encode())
    (root / "f00d.jpg").write_bytes(jpeg())
    archive = tmp_path / "small.zip"
    result = runner.invoke(args=["backup", "create", str(archive)])
    assert result.exit_code == 0, result.output
    return archive


def _flip_byte_in(archive: Path, member: str) -> None:
    """Change one byte in the middle of a member's stored data."""
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo(member)
    with archive.open("r+b") as handle:
        handle.seek(info.header_offset + 26)
        name_length, extra_length = struct.unpack("<HH", handle.read(4))
        offset = info.header_offset + 30 + name_length + extra_length + info.compress_size // 2
        handle.seek(offset)
        byte = handle.read(1)[0]
        handle.seek(offset)
        handle.write(bytes([byte ^ 0x5A]))


def _assert_untouched(application) -> None:
    assert all(rows == [] for rows in tables_of(application).values())
    root = upload_root(application)
    assert not root.exists() or list(root.iterdir()) == []


@pytest.mark.parametrize("member", ["tables", "uploads/f00d.jpg", "manifest.json"])
def test_a_tampered_archive_is_refused(target, small_archive, member):
    if member == "tables":
        with zipfile.ZipFile(small_archive) as z:
            member = next(n for n in z.namelist() if n.endswith("-materials.jsonl"))
    _flip_byte_in(small_archive, member)
    result = _cli(target, "backup", "restore", small_archive)
    assert result.exit_code != 0
    assert "damaged" in result.output or "not a readable backup" in result.output
    _assert_untouched(target)
    assert _cli(target, "backup", "verify", small_archive).exit_code != 0


def test_a_truncated_archive_is_refused(target, small_archive):
    data = small_archive.read_bytes()
    small_archive.write_bytes(data[: len(data) * 2 // 3])
    result = _cli(target, "backup", "restore", small_archive)
    assert result.exit_code != 0 and "not a readable backup archive" in result.output
    _assert_untouched(target)


def test_an_archive_of_another_revision_is_refused(target, small_archive):
    with target.app_context(), _db.engine.begin() as connection:
        ours = backup_tables.revision(connection)
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        result = _cli(target, "backup", "restore", small_archive)
        assert result.exit_code != 0
        assert f"made at database revision {ours}" in result.output
        assert "this database is at 0001" in result.output
        _assert_untouched(target)
    finally:
        with target.app_context(), _db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": ours})


def test_rows_the_database_refuses_roll_everything_back(target, small_archive, tmp_path):
    """Checksums fine, but a row breaks a constraint halfway: no row and no file is kept."""
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(small_archive) as source, zipfile.ZipFile(broken, "w") as out:
        manifest = json.loads(source.read("manifest.json"))
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("-materials.jsonl"):
                lines = data.splitlines(keepends=True)
                data = b"".join(lines + lines[-1:])  # the last material twice: same id
                entry = next(e for e in manifest["tables"] if e["member"] == info.filename)
                entry.update(rows=len(lines) + 1, bytes=len(data), sha256=_sha256(data))
            if info.filename != "manifest.json":
                out.writestr(info, data)
        out.writestr("manifest.json", json.dumps(manifest))
    result = _cli(target, "backup", "restore", broken)
    assert result.exit_code != 0 and "nothing was changed" in result.output
    _assert_untouched(target)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- across databases
@pytest.fixture
def other_backend(database_template, tmp_path):
    """A fresh migrated database of the other kind: PostgreSQL when the suite runs on SQLite
    (a throwaway cluster of its own), SQLite when it runs on PostgreSQL."""
    if BACKEND == "postgresql":
        path = tmp_path / "other" / "other.sqlite"
        path.parent.mkdir()
        uri = f"sqlite:///{path}"
        _migrate(uri)
        yield uri
        return
    from tests.pg import pg_bindir
    from tests.pg import throwaway_cluster

    try:
        pg_bindir()
    except RuntimeError:
        pytest.skip("PostgreSQL binaries are not installed")
    with throwaway_cluster(dbname="mpx_backup_other", port=5439) as uri:
        _migrate(uri)
        yield uri


def test_restore_across_sqlite_and_postgresql(app, runner, world, other_backend, target, tmp_path):
    there = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=other_backend, UPLOAD_DIR=str(tmp_path / "o")
    )
    try:
        first = tmp_path / "from-here.zip"
        assert runner.invoke(args=["backup", "create", str(first)]).exit_code == 0
        moved = _cli(there, "backup", "restore", first)
        assert moved.exit_code == 0, moved.output
        assert tables_of(there, derived=False) == tables_of(app, derived=False)
        assert search_ids(there, "brick") == search_ids(app, "brick") != []

        back = tmp_path / "from-there.zip"
        assert _cli(there, "backup", "create", back).exit_code == 0
        home = _cli(target, "backup", "restore", back)
        assert home.exit_code == 0, home.output
        assert tables_of(target) == tables_of(app)
        assert files_of(upload_root(target)) == files_of(upload_root(app))
    finally:
        with there.app_context():
            _db.session.remove()
            _db.engine.dispose()


# ---------------------------------------------------------------- the encoding
def test_every_kind_of_value_round_trips_through_json():
    from uuid import UUID

    aware = datetime(2026, 3, 29, 1, 30, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    columns = [
        ("int", 2**62),
        ("float", 0.1 + 0.2),
        ("float", 1e-300),
        ("decimal", Decimal("12.3400")),
        ("datetime", datetime(2026, 11, 27, 10, 50, 5, 210839)),
        ("datetime", aware),
        ("date", date(1970, 1, 1)),
        ("time", time(23, 59, 59, 999999)),
        ("interval", timedelta(days=-1, microseconds=1)),
        ("bytes", b"\x00\xff\x10"),
        ("uuid", UUID("12345678-1234-5678-1234-567812345678")),
        ("text", "K\u00f8benhavn \U0001f9f1"),
        ("bool", False),
        ("json", {"a": [1, 2.5, None]}),  # NOT NULL: documents as they are
        ("json", None),  # NOT NULL: the JSON document null
        ("json", {"b": "c"}),  # nullable: wrapped
        ("json", None),  # nullable, the JSON document null
        ("json", None),  # nullable, SQL NULL
        ("text", None),
    ]
    kinds = [kind for kind, _ in columns]
    nullable = [True] * 13 + [False, False, True, True, True, True]
    is_sql_null = (False, False, True)  # the SELECT's IS NULL flags of the nullable JSON
    row = (*[value for _, value in columns], *is_sql_null)
    encode, decode = codec.row_encoder(kinds, nullable), codec.row_decoder(kinds, nullable)
    line = json.dumps(encode(row), separators=(",", ":"))
    assert line.isascii()
    back = decode(json.loads(line))
    assert back[:17] == [value for _, value in columns[:17]] and back[18] is None
    assert isinstance(back[17], Null)
    assert back[5].utcoffset() == timedelta(hours=2)
    assert json.loads(line)[15:18] == [[{"b": "c"}], [None], None]


# ---------------------------------------------------------------- permissions
def test_an_archive_is_readable_by_its_owner_only(app, runner, tmp_path):
    old = os.umask(0o022)
    try:
        archive = tmp_path / "private.zip"
        assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    finally:
        os.umask(old)
    assert archive.stat().st_mode & 0o777 == 0o600


def test_restored_files_get_the_apps_permissions_not_the_archives(app, runner, target, tmp_path):
    root = upload_root(app)
    (root / "open").mkdir(parents=True)
    loose = root / "open" / "f00d.jpg"
    loose.write_bytes(jpeg())
    loose.chmod(0o777)
    (root / "open").chmod(0o777)
    archive = tmp_path / "loose.zip"
    assert runner.invoke(args=["backup", "create", str(archive)]).exit_code == 0
    with zipfile.ZipFile(archive) as z:
        manifest = json.loads(z.read("manifest.json"))
    assert {f["mode"] for f in manifest["uploads"]["files"]} == {0o777}
    old = os.umask(0o027)
    try:
        restored = _cli(target, "backup", "restore", archive)
    finally:
        os.umask(old)
    assert restored.exit_code == 0, restored.output
    placed = upload_root(target) / "open" / "f00d.jpg"
    assert placed.read_bytes() == loose.read_bytes()
    assert placed.stat().st_mode & 0o777 == 0o640
    assert placed.parent.stat().st_mode & 0o777 == 0o750
