"""CPset_MaterialPassport: the property set an element of a written-back model carries.

The name. IFC reserves the `Pset_` prefix for the property sets buildingSMART publishes in the
standard (Pset_WallCommon, …); a set defined by anyone else must not use it and should say
where it comes from. buildingSMART's bSDD verification procedure (rule PRP-03, "PSET_ prefix is
forbidden") names `cPset_` ("c" for custom or created) as the common practice for such sets;
we write that prefix capitalised like `Pset_` itself, followed by what the set is about. One
name on every element, in every schema, so a BIM manager filters a whole model on it (and an
IDS can require it).

The properties (IFC4 and IFC4X3 types; IFC2X3 has neither IfcURIReference nor IfcDate, so the
URLs are IfcText and the date an ISO 8601 IfcLabel there):

| property        | type            | value                                                      |
|-----------------|-----------------|------------------------------------------------------------|
| Tag             | IfcIdentifier   | the component's tag, as on its label                       |
| PassportURL     | IfcURIReference | what the label encodes (LABEL_LINK: tag URL or GS1 URI)    |
| TagURL          | IfcURIReference | `<PUBLIC_BASE_URL>/t/<TAG>`                                |
| GS1DigitalLink  | IfcURIReference | the GS1 Digital Link URI (GTIN + serial, else the GIAI)    |
| Condition       | IfcInteger      | 1 (unusable) to 5 (as new); no value when not assessed     |
| Status          | IfcLabel        | the lifecycle status as stored (`installed`, `harvested`…) |
| ReuseCycles     | IfcInteger      | how many times the component has been reused               |
| PassportIssued  | IfcDate         | the day the model was written                              |

Values are the stored ones (codes, not translated words): a model is read by software in
every language. Every URL comes from passports.gs1 and passports.qr, on PUBLIC_BASE_URL.
"""

from datetime import date

from passports.gs1 import digital_link_uri
from passports.gs1 import label_url
from passports.qr import tag_url

PSET_NAME = "CPset_MaterialPassport"
PSET_DESCRIPTION = "Material passport of this element (Material Passport Exchange)"
# (name, IFC4 type, IFC2X3 type), in the order written.
PROPERTIES = (
    ("Tag", "IfcIdentifier", "IfcIdentifier"),
    ("PassportURL", "IfcURIReference", "IfcText"),
    ("TagURL", "IfcURIReference", "IfcText"),
    ("GS1DigitalLink", "IfcURIReference", "IfcText"),
    ("Condition", "IfcInteger", "IfcInteger"),
    ("Status", "IfcLabel", "IfcLabel"),
    ("ReuseCycles", "IfcInteger", "IfcInteger"),
    ("PassportIssued", "IfcDate", "IfcLabel"),
)


def property_values(component, issued: date) -> dict[str, object]:
    """The values of the set for a component (None: the property has no value)."""
    tag, gtin, serial = component.tag, component.gtin, component.serial_number
    return {
        "Tag": tag,
        "PassportURL": label_url(tag, gtin, serial),
        "TagURL": tag_url(tag),
        "GS1DigitalLink": digital_link_uri(tag, gtin, serial),
        "Condition": component.condition,
        "Status": component.status,
        "ReuseCycles": component.reuse_cycles or 0,
        "PassportIssued": issued.isoformat(),
    }
