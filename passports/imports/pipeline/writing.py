"""Writing a planned batch: new components through the bulk insert, changes through the
component services; a clash with a concurrent import is a conflict and nothing is written."""

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict
from app.extensions import db
from passports.imports.bulk import insert_components
from passports.imports.bulk import refresh_statistics
from passports.imports.report import schema_messages
from passports.imports.report import short_message
from passports.models import Component
from passports.services.components import apply_component_changes
from passports.services.components import component_values
from passports.services.components import unique_tags


class BatchWriting:
    """The pipeline's writes of a planned batch."""

    def _write(self, creates, updates) -> None:
        try:
            self._insert(creates)
            self._update(updates)
            db.session.flush()
        except IntegrityError as exc:
            raise Conflict(
                _(
                    "The building's components changed while importing (another import?). "
                    "Nothing was written; try again."
                )
            ) from exc

    def _insert(self, creates) -> None:
        materials = self.matcher.materials
        rows, material_rows, hazard_rows = [], {}, {}
        for (source, data), tag in zip(creates, unique_tags(len(creates)), strict=True):
            try:
                values, material_rows[tag], hazard_rows[tag] = component_values(
                    self.building, data, tag=tag, materials=materials
                )
            except ValidationError as exc:
                self._error(
                    source, None, "; ".join(short_message(m) for m in schema_messages(exc.messages))
                )
                continue
            rows.append(values)
        if not rows:
            return
        self.created_ids += insert_components(rows, material_rows, hazard_rows)
        self.inserted += len(rows)
        if self.inserted >= self.analyze_at:
            refresh_statistics(Component.__table__)
            self.analyze_at *= 4

    def _update(self, updates) -> None:
        materials = self.matcher.materials
        for source, component, changes in updates:
            try:
                apply_component_changes(component, changes, self.user, materials=materials)
            except ValidationError as exc:
                for field, found in exc.messages.items():
                    for text in schema_messages(found):
                        self._error(source, field, short_message(text))
