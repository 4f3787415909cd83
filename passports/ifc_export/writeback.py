"""Writing a kept IFC model back with CPset_MaterialPassport on every element of the passport.

Which elements. An element carries the set when its GlobalId is the IFC GUID of a component of
this building, matched as the importer matches a re-import (passports.imports.pipeline.batch:
the building's components, live ones before archived ones, then the oldest): a model read
back in finds the same components. So:
- an archived component gives no set: it is no longer in the passport;
- a component moved to another building (collected by a buyer) gives no set: its passport is
  now the new owner's, whose status and condition this building's owner may not read, and the
  element it came from is no longer in this building;
- a lot split at collection keeps the set on the part that stayed (the original component,
  with its tag); the part that left has a tag of its own, in the buyer's passport.
An element that carries our set from an earlier write-back but matches none of these any more
loses it (and only it): the set always says what the passport says on the day of the download.

How. One pass over the model with ifcopenshell's entity functions, not ifcopenshell.api: its
pset.add_pset and edit_pset look up templates, owner history and existing sets for every call,
which for the 2,227 elements of a Tekla model costs far more than creating the few entities
each set needs. An existing set is updated in place (its values replaced, its GUID kept); a
new one gets a fresh GUID and the model's own IfcOwnerHistory (mandatory in IFC2X3), so no new
application or person enters the model. Every other entity is left exactly as it was: the
elements keep their GlobalId, geometry, materials, quantities and other property sets.

The importer reads only base quantities, materials, the storey and Pset_WallCommon.IsExternal,
so importing the written model again changes nothing in the passport.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from passports.ifc_export.pset import PROPERTIES
from passports.ifc_export.pset import PSET_DESCRIPTION
from passports.ifc_export.pset import PSET_NAME
from passports.ifc_export.pset import property_values


@dataclass
class WriteResult:
    """What a write-back did to the model."""

    schema: str
    added: int = 0
    updated: int = 0
    removed: int = 0
    missing: int = 0  # components whose GUID is not in this model (another import's elements)

    @property
    def tagged(self) -> int:
        """Elements that carry the set in the written model."""
        return self.added + self.updated


class _Writer:
    """One write-back of one model."""

    def __init__(self, model, issued: date):
        import ifcopenshell.guid

        self.model = model
        self.new_guid = ifcopenshell.guid.new
        self.issued = issued
        schema = model.schema_identifier
        self.types = {
            name: ifc4 if _declares(schema, ifc4) else ifc2x3 for name, ifc4, ifc2x3 in PROPERTIES
        }
        self.owner_history = _owner_history(model)
        self.values: dict[tuple, object] = {}

    def value(self, name: str, raw):
        """The typed value of a property (None stays None: a property without a value). Typed
        values are written inline, so one is made per distinct value and reused."""
        if raw is None:
            return None
        key = (self.types[name], raw)
        found = self.values.get(key)
        if found is None:
            found = self.values[key] = self.model.create_entity(self.types[name], raw)
        return found

    def properties(self, values: dict) -> list:
        """New IfcPropertySingleValue entities for the values."""
        create = self.model.create_entity
        made = []
        for name, _ifc4, _ifc2x3 in PROPERTIES:
            value = self.value(name, values[name])
            if value is None:
                made.append(create("IfcPropertySingleValue", Name=name))
            else:
                made.append(create("IfcPropertySingleValue", Name=name, NominalValue=value))
        return made

    def add(self, element, values: dict) -> None:
        """A new set on the element, with its relation."""
        create = self.model.create_entity
        pset = create(
            "IfcPropertySet",
            GlobalId=self.new_guid(),
            OwnerHistory=self.owner_history,
            Name=PSET_NAME,
            Description=PSET_DESCRIPTION,
            HasProperties=self.properties(values),
        )
        create(
            "IfcRelDefinesByProperties",
            GlobalId=self.new_guid(),
            OwnerHistory=self.owner_history,
            RelatedObjects=[element],
            RelatingPropertyDefinition=pset,
        )

    def update(self, pset, values: dict) -> None:
        """Replace the values of an existing set; properties it lacks are added."""
        found = {p.Name: p for p in pset.HasProperties or () if p.is_a("IfcPropertySingleValue")}
        added = []
        for name, _ifc4, _ifc2x3 in PROPERTIES:
            value = self.value(name, values[name])
            if name in found:
                found[name].NominalValue = value
            else:
                added.append(
                    self.model.create_entity(
                        "IfcPropertySingleValue", Name=name, NominalValue=value
                    )
                )
        if added:
            pset.HasProperties = [*pset.HasProperties, *added]

    def detach(self, rel, element) -> None:
        """Take our set off one element; the set and its relation go when no one has it."""
        others = [o for o in rel.RelatedObjects if o != element]
        if others:
            rel.RelatedObjects = others
            return
        pset = rel.RelatingPropertyDefinition
        properties = list(pset.HasProperties or ())
        self.model.remove(rel)
        self.model.remove(pset)
        for prop in properties:
            if not self.model.get_inverse(prop):
                self.model.remove(prop)


def _declares(schema: str, name: str) -> bool:
    import ifcopenshell.ifcopenshell_wrapper as wrapper

    try:
        wrapper.schema_by_name(schema).declaration_by_name(name)
    except Exception:  # the wrapper raises its own error for an unknown name
        return False
    return True


def _owner_history(model):
    """The model's own owner history (the project's first), so nothing new enters it; IFC4
    makes it optional, IFC2X3 requires one, which a valid IFC2X3 model always has."""
    projects = model.by_type("IfcProject")
    if projects and projects[0].OwnerHistory is not None:
        return projects[0].OwnerHistory
    found = model.by_type("IfcOwnerHistory")
    return found[0] if found else None


def _our_sets(model) -> dict[int, tuple]:
    """Elements (by entity id) that carry CPset_MaterialPassport: their relation and set."""
    found: dict[int, tuple] = {}
    for rel in model.by_type("IfcRelDefinesByProperties"):
        definition = rel.RelatingPropertyDefinition
        if definition is None or not definition.is_a("IfcPropertySet"):
            continue
        if definition.Name != PSET_NAME:
            continue
        for element in rel.RelatedObjects:
            found.setdefault(element.id(), (rel, definition, element))
    return found


def write_back(source: Path, target: Path, components: dict, issued: date | None = None):
    """Write `source` to `target` with the set on every element whose GlobalId is a key of
    `components` ({guid: Component}); returns what was done (WriteResult)."""
    import ifcopenshell

    model = ifcopenshell.open(str(source))
    writer = _Writer(model, issued or date.today())
    result = WriteResult(schema=model.schema)
    carrying = _our_sets(model)
    tagged: set[int] = set()
    for guid, component in components.items():
        try:
            element = model.by_guid(guid)
        except RuntimeError:  # ifcopenshell's "not found"
            result.missing += 1
            continue
        if not element.is_a("IfcObject"):
            result.missing += 1
            continue
        values = property_values(component, writer.issued)
        tagged.add(element.id())
        existing = carrying.get(element.id())
        if existing is None:
            writer.add(element, values)
            result.added += 1
            continue
        rel, pset, _element = existing
        if len(rel.RelatedObjects) > 1:
            # Shared with other elements by another tool: this element gets its own.
            writer.detach(rel, element)
            writer.add(element, values)
        else:
            writer.update(pset, values)
        result.updated += 1
    for element_id, (rel, _pset, element) in carrying.items():
        if element_id not in tagged:
            writer.detach(rel, element)
            result.removed += 1
    model.write(str(target))
    return result
