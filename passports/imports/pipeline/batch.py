"""Planning one batch of an import: each row is validated, its materials resolved, its key and its
GTIN and serial checked against the file and the organisation, and matched to the building's
components (one query per batch) as a create, an update or no change. A spreadsheet row without
a key that looks like a component already there is reported, and updates it or is added as
chosen (lookalikes.py)."""

from collections import defaultdict

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from passports.gs1 import normalize_gtin
from passports.imports.diff import changes as changed_fields
from passports.imports.pipeline.lookalikes import UPDATE
from passports.imports.pipeline.lookalikes import load_components
from passports.imports.report import MAX_LISTED
from passports.imports.report import schema_messages
from passports.imports.report import short_message
from passports.imports.rows import SourceRow
from passports.imports.values import complete_shares
from passports.mass import Part
from passports.mass import derive_mass
from passports.models import Component
from passports.services.components import taken_gtin_serials


def _gtin_serial(data: dict) -> tuple[str | None, str | None]:
    return normalize_gtin(data.get("gtin")), data.get("serial_number")


class BatchPlanning:
    """The pipeline's planning of a batch, with the row errors and warnings it reports."""

    def _batch(self, batch: list[SourceRow]) -> None:
        report = self.report
        valid: list[tuple[SourceRow, dict]] = []
        for source in batch:
            report.rows += 1
            if source.ifc_class:
                report.by_class[source.ifc_class] += 1
            data = self._validate(source)
            if data is not None and self._first_time(source):
                valid.append((source, data))
        existing = self._existing(valid)
        lookalikes = self._lookalikes(valid, existing)
        taken = taken_gtin_serials(
            self.building.organisation_id,
            [_gtin_serial(d) for _, d in valid],
        )
        creates, updates = [], []
        for index, (source, data) in enumerate(valid):
            component = existing.get(source.key) if source.key else lookalikes.get(index)
            if not self._gtin_serial_free(source, data, component, taken):
                continue
            if component is not None and component.archived_at is not None:
                report.skipped += 1
                self._warn(
                    source,
                    _(
                        "the component %(tag)s with this %(key)s is archived; the row was skipped",
                        tag=component.tag,
                        key=source.key[0],
                    ),
                )
                continue
            if component is None:
                creates.append((source, data))
                action = "created"
            else:
                changes = changed_fields(component, data)
                action = "updated" if changes else "unchanged"
                if changes:
                    updates.append((source, component, changes))
            setattr(report, action, getattr(report, action) + 1)
            self._tally(source, data, action)
        if not report.dry_run and report.ok:
            self._write(creates, updates)

    def _where(self, source: SourceRow) -> str:
        if source.row is not None:
            return _("row %(row)s", row=source.row)
        return source.ref or ""

    def _error(self, source: SourceRow, field: str | None, message: str) -> None:
        self.report.error(
            message,
            row=source.row,
            ref=source.ref,
            column=field,
            header=source.headers.get(field) if field else None,
        )

    def _warn(self, source: SourceRow, message: str) -> None:
        self.report.warn(message, row=source.row, ref=source.ref)

    def _first_time(self, source: SourceRow) -> bool:
        if source.key is None:
            return True
        first = self.seen.get(source.key)
        if first is None:
            self.seen[source.key] = self._where(source)
            return True
        field, value = source.key
        if self.kind == "ifc":
            self.report.skipped += 1
            self._warn(
                source,
                _("GlobalId %(guid)s appears twice in the model; kept the first", guid=value),
            )
        else:
            self._error(
                source,
                field,
                _("%(value)s is already used on %(where)s", value=repr(value), where=first),
            )
        return False

    def _gtin_serial_free(self, source: SourceRow, data: dict, component, taken) -> bool:
        """False (and a row error) when the row's GTIN and serial are registered to another
        component, or to an earlier row of the file."""
        pair = _gtin_serial(data)
        if not all(pair):
            return True
        owner = taken.get(pair)
        if owner is not None and (component is None or owner[0] != component.id):
            self._error(source, "serial_number", owner[1])
            return False
        first = self.gtin_serials.setdefault(pair, self._where(source))
        if first != self._where(source):
            self._error(
                source,
                "serial_number",
                _(
                    "GTIN %(gtin)s with serial %(serial)s is already used on %(where)s",
                    gtin=pair[0],
                    serial=pair[1],
                    where=first,
                ),
            )
            return False
        return True

    def _validate(self, source: SourceRow) -> dict | None:
        for field, message in source.problems:
            self._error(source, field, message)
        data = dict(source.data)
        unmatched = self._resolve(source, data)
        try:
            loaded = self.schema.load(data)
        except ValidationError as exc:
            failed = {f for f, _ in source.problems}
            messages = exc.messages if isinstance(exc.messages, dict) else {None: exc.messages}
            for field, found in messages.items():
                if field not in failed:
                    for text in dict.fromkeys(schema_messages(found)):
                        self._error(
                            source, None if field == "_schema" else field, short_message(text)
                        )
            return None
        if source.problems:
            return None
        loaded["import_source"] = self.kind
        loaded["data_complete"] = not (source.no_quantities or source.proxy or unmatched)
        return loaded

    def _resolve(self, source: SourceRow, data: dict) -> bool:
        """Put the materials' ids and shares into `data`; True when a name matched nothing."""
        if not source.materials:
            if source.materials_given:
                data["materials"] = []
            return False
        shares, estimate = complete_shares(source.materials)
        if estimate and source.row is not None:
            self._warn(source, _("materials without shares were split equally (an estimate)"))
        merged: dict[int, float] = defaultdict(float)
        unmatched = False
        for (name, _share), share in zip(source.materials, shares, strict=True):
            material = self.matcher.resolve(name)
            if material is None:
                unmatched = True
                self.matcher.note_unmatched(name, self._where(source))
            else:
                merged[material.id] += share
        # An unmatched name leaves the materials out: a new component gets none, an existing
        # one keeps what it has, until the name is mapped and the file imported again.
        if not unmatched:
            data["materials"] = [
                {"material_id": mid, "fraction": min(share, 1.0)} for mid, share in merged.items()
            ]
        return unmatched

    def _lookalikes(self, valid, existing) -> dict[int, Component]:
        """Rows of the batch (by index) that update a lookalike component (the choice was
        "update"); every lookalike row is noted in the report whatever the choice."""
        if self.kind == "ifc":
            return {}
        for component in existing.values():
            self.lookalikes.discard(component.id)
        claimed: dict[int, int] = {}
        for index, (source, data) in enumerate(valid):
            if source.key is None and (component_id := self.lookalikes.claim(data)) is not None:
                self.report.note_lookalike(source.row)
                claimed[index] = component_id
        if self.duplicates != UPDATE:
            return {}
        components = load_components(list(claimed.values()))
        return {index: components[cid] for index, cid in claimed.items()}

    def _existing(self, valid) -> dict[tuple[str, str], Component]:
        keys: dict[str, list[str]] = defaultdict(list)
        for source, _data in valid:
            if source.key:
                keys[source.key[0]].append(source.key[1])
        found: dict[tuple[str, str], Component] = {}
        for field, values in keys.items():
            if not self.keyed[field]:
                continue
            column = getattr(Component, field)
            query = (
                select(Component)
                .where(Component.building_id == self.building.id, column.in_(values))
                .options(selectinload(Component.materials), selectinload(Component.hazards))
                .order_by(Component.archived_at.is_not(None), Component.id)
            )
            for component in db.session.scalars(query):
                found.setdefault((field, getattr(component, field)), component)
        return found

    def _tally(self, source: SourceRow, data: dict, action: str) -> None:
        report = self.report
        if source.ifc_class:
            report.actions_by_class[source.ifc_class][action] += 1
        if not data["data_complete"]:
            report.incomplete += 1
        item = {"guid": data.get("ifc_guid"), "name": data["name"], "ifc_class": source.ifc_class}
        if source.no_quantities:
            report.no_quantities_count += 1
            if len(report.no_quantities) < MAX_LISTED:
                report.no_quantities.append(item)
        if source.proxy and len(report.proxies) < MAX_LISTED:
            report.proxies.append(item)
        shares = [
            (self.matcher.materials[m["material_id"]], m["fraction"])
            for m in data.get("materials", [])
        ]
        if not shares:
            return
        parts = [Part(m.name, f, m.density_kg_m3) for m, f in shares]
        result = derive_mass(
            data["quantity"],
            data["unit"],
            data.get("volume_m3"),
            data.get("mass_kg"),
            parts,
            data.get("unit_mass_kg"),
        )
        volume = data["quantity"] if data["unit"] == "m3" else data.get("volume_m3")
        for (material, fraction), mass in zip(shares, result.parts_kg, strict=True):
            report.add_material(material, volume * fraction if volume else None, mass)
