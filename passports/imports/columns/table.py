"""The table of spreadsheet columns: each field's synonyms, documentation and examples, and
the fields a row must have."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from passports.models import CATEGORIES
from passports.models import CONNECTION_TYPES
from passports.models import HAZARD_KINDS
from passports.models import UNITS


@dataclass(frozen=True)
class Column:
    """A column the importer understands."""

    field: str
    synonyms: tuple[str, ...]
    description: str  # lazy: in the language of whoever reads it
    example: tuple[str, ...] = ("", "", "")
    required: bool = False


# The units a measure's header may name ("width_cm", "Width (m)", "width (in)").
MEASURE_HEADER_UNITS = ("mm", "cm", "m", "in", "inch", "inches", "ft")


def _measure_synonyms(*words: str) -> tuple[str, ...]:
    return (*words, *(f"{w} {u}" for w in words for u in MEASURE_HEADER_UNITS))


COLUMNS: tuple[Column, ...] = (
    Column(
        "external_id",
        (
            "external id",
            "id",
            "ref",
            "reference",
            "code",
            "element id",
            "item id",
            "referentie",
            "kenmerk",
            "nummer",
            "kennung",
            "externe id",
            "nummer id",
            "番号",
            "管理番号",
            "编号",
        ),
        _l(
            "Your own id for the row. Importing the file again updates the component with this "
            "id instead of adding a second one. Unique within the building."
        ),
        ("W-001", "W-002", "D-001"),
    ),
    Column(
        "name",
        (
            "name",
            "naam",
            "component",
            "element",
            "item",
            "onderdeel",
            "bouwdeel",
            "bauteil",
            "bezeichnung",
            "benaming",
            "title",
            "navn",
            "betegnelse",
            "名称",
            "名前",
            "部材名",
            "品名",
            "构件名称",
        ),
        _l("What the component is, as people on site would call it."),
        ("Facade brick wall, north", "Steel beam HEA 200", "Oak entrance door"),
        required=True,
    ),
    Column(
        "category",
        (
            "category",
            "categorie",
            "kategorie",
            "kategori",
            "class",
            "klasse",
            "element type",
            "soort",
            "分類",
            "種別",
            "类别",
        ),
        _l("One of: %(values)s.", values=", ".join(CATEGORIES)),
        ("external_wall", "structure", "door"),
    ),
    Column(
        "storey",
        (
            "storey",
            "story",
            "floor",
            "level",
            "verdieping",
            "bouwlaag",
            "etage",
            "geschoss",
            "stockwerk",
            "ebene",
            "niveau",
            "verdieping niveau",
            "階",
            "階数",
            "フロア",
            "楼层",
        ),
        _l("The storey or level the component is on."),
        ("00 Ground floor", "01 First floor", "00 Ground floor"),
    ),
    Column(
        "quantity",
        (
            "quantity",
            "qty",
            "amount",
            "hoeveelheid",
            "menge",
            "aantal",
            "anzahl",
            "count",
            "number",
            "quantite",
            "cantidad",
            "antal",
            "mængde",
            "数量",
        ),
        _l(
            "How much there is, a number greater than 0. Decimal commas are understood (12,5), "
            "and so are thousands separators (1.234,5 or 1,234.5). A unit may follow (12,5 m²)."
        ),
        ("38", "6,4", "1"),
        required=True,
    ),
    Column(
        "unit",
        (
            "unit",
            "units",
            "eenheid",
            "einheit",
            "enhed",
            "uom",
            "unit of measure",
            "maateenheid",
            "単位",
            "单位",
        ),
        _l(
            "One of %(values)s; also understood: m², sqm, m³, cbm, stuks, st, stk, each, ea, "
            "ton, tonne, lm, meter, 個, 本, 枚, 平米, 立米.",
            values=", ".join(UNITS),
        ),
        ("m3", "m", "pcs"),
        required=True,
    ),
    Column(
        "volume_m3",
        ("volume", "volume m3", "inhoud", "volumen", "vol", "rumfang", "体積", "体积"),
        _l("Total volume in m³, when the unit is not m3: used to work out the mass."),
        ("", "0,32", "0,1"),
    ),
    Column(
        "mass_kg",
        (
            "mass",
            "mass kg",
            "weight",
            "gewicht",
            "masse",
            "massa",
            "weight kg",
            "vægt",
            "質量",
            "重量",
            "质量",
        ),
        _l(
            "Total mass in kg when it was weighed; otherwise it is worked out from the volume "
            "and the materials' densities. A unit may follow (2,5 t)."
        ),
        ("", "", ""),
    ),
    Column(
        "width_mm",
        _measure_synonyms("width", "breedte", "breite", "bredde", "幅", "宽度", "宽"),
        _l(
            "Width of one element. In mm, or in the unit the header names "
            "(width_cm, width (m), width (in)); a unit may follow the number (83 cm)."
        ),
        ("", "", "930"),
    ),
    Column(
        "height_mm",
        _measure_synonyms("height", "hoogte", "höhe", "hoehe", "højde", "高さ", "高度", "高"),
        _l("Height of one element, in mm or the header's unit."),
        ("", "", "2115"),
    ),
    Column(
        "depth_mm",
        _measure_synonyms(
            "depth",
            "thickness",
            "diepte",
            "dikte",
            "tiefe",
            "dicke",
            "stärke",
            "dybde",
            "tykkelse",
            "奥行",
            "厚さ",
            "厚度",
            "深度",
        ),
        _l("Depth or thickness of one element, in mm or the header's unit."),
        ("", "", "54"),
    ),
    Column(
        "length_mm",
        _measure_synonyms("length", "lengte", "länge", "laenge", "længde", "長さ", "长度"),
        _l("Length of one linear element (a beam, a pipe), in mm or the header's unit."),
        ("", "6000", ""),
    ),
    Column(
        "unit_mass_kg",
        (
            "unit mass",
            "unit weight",
            "mass per piece",
            "weight per piece",
            "mass each",
            "weight each",
            "gewicht per stuk",
            "stukgewicht",
            "massa per stuk",
            "stückgewicht",
            "gewicht pro stück",
            "vægt pr stk",
            "単重",
            "単位質量",
            "单重",
            "单件重量",
            *(f"unit mass {u}" for u in ("kg", "t", "g")),
            *(f"unit weight {u}" for u in ("kg", "t", "g")),
        ),
        _l(
            "Mass of one element in kg (or the header's unit: unit_mass_t); worked out "
            "from the mass of a lot in pieces when left out."
        ),
        ("", "", "48"),
    ),
    Column(
        "materials",
        (
            "material",
            "materials",
            "materiaal",
            "materialen",
            "werkstoff",
            "werkstoffe",
            "material name",
            "materiau",
            "materiale",
            "materialer",
            "材料",
            "材質",
            "素材",
        ),
        _l(
            "Library material by name, slug or alias. Several as shares of volume: "
            "'Common clay brick 85%; Lime mortar 15%'. Unknown names can be mapped once for "
            "your organisation."
        ),
        ("Common clay brick 85%; Lime mortar 15%", "Structural steel section", "Sawn hardwood"),
    ),
    Column(
        "condition",
        (
            "condition",
            "conditie",
            "staat",
            "zustand",
            "state",
            "toestand",
            "grade",
            "tilstand",
            "状態",
            "状况",
        ),
        _l("5 as new, 4 good, 3 fair, 2 poor, 1 unusable for reuse ('4' or '4 - Good')."),
        ("4", "3", "5"),
    ),
    Column(
        "connection_type",
        (
            "connection type",
            "connection",
            "verbinding",
            "verbindingstype",
            "verbindung",
            "joint",
            "fixing",
            "bevestiging",
            "samling",
            "接合",
            "接合方法",
            "连接方式",
        ),
        _l("How it is fixed: %(values)s.", values=", ".join(CONNECTION_TYPES)),
        ("lime_mortar", "bolted", "screwed"),
    ),
    Column(
        "hazards",
        (
            "hazards",
            "hazard",
            "hazardous substances",
            "gevaarlijke stoffen",
            "schadstoffe",
            "gefahrstoffe",
            "hazardous",
            "farlige stoffer",
            "有害物質",
            "有害物质",
        ),
        _l("Hazardous substances, separated by ';': %(values)s.", values=", ".join(HAZARD_KINDS)),
        ("", "", "lead"),
    ),
    Column(
        "install_year",
        (
            "install year",
            "year installed",
            "installed",
            "installation year",
            "bouwjaar",
            "baujahr",
            "jaar",
            "year",
            "årstal",
            "設置年",
            "安装年份",
        ),
        _l("Year the component was installed."),
        ("1972", "1972", "1985"),
    ),
    Column(
        "service_life_years",
        (
            "service life",
            "service life years",
            "levensduur",
            "lebensdauer",
            "nutzungsdauer",
            "lifespan",
            "life",
            "levetid",
            "耐用年数",
            "使用寿命",
        ),
        _l("Expected service life in years."),
        ("150", "100", "40"),
    ),
    Column(
        "recycled_content",
        ("recycled content", "recycled", "gerecycled", "recycled share", "rezyklatanteil"),
        _l("Share of recycled feedstock: 0.3 or 30%."),
        ("", "0,2", ""),
    ),
    Column(
        "reused_content",
        ("reused content", "reused", "hergebruikt", "hergebruik", "wiederverwendet"),
        _l("Share of reused parts: 0.3 or 30%."),
        ("", "", ""),
    ),
    Column(
        "manufacturer",
        (
            "manufacturer",
            "fabrikant",
            "hersteller",
            "producer",
            "maker",
            "brand",
            "merk",
            "producent",
            "メーカー",
            "製造者",
            "制造商",
        ),
        _l("Who made it."),
        ("", "", ""),
    ),
    Column(
        "gtin", ("gtin", "ean", "barcode"), _l("GS1 GTIN with check digit, if any."), ("", "", "")
    ),
    Column(
        "serial_number",
        ("serial number", "serial", "serienummer", "seriennummer", "sn", "シリアル番号", "序列号"),
        _l("Serial number (up to 20 printable characters)."),
        ("", "", ""),
    ),
    Column(
        "ifc_guid",
        ("ifc guid", "guid", "globalid", "global id", "ifc globalid", "ifc id"),
        _l(
            "The IFC GlobalId (22 characters) when the component is in the BIM model; a row "
            "without an external id is matched on it."
        ),
        ("", "", ""),
    ),
    Column(
        "ifc_class",
        ("ifc class", "ifc type", "ifc entity", "entity"),
        _l("The IFC class, e.g. IfcWall."),
        ("", "", ""),
    ),
    Column(
        "description",
        (
            "description",
            "omschrijving",
            "beschreibung",
            "notes",
            "remarks",
            "opmerkingen",
            "bemerkungen",
            "comment",
            "comments",
            "beskrivelse",
            "bemærkninger",
            "備考",
            "説明",
            "备注",
            "说明",
        ),
        _l("Anything else worth knowing, such as how to dismantle it."),
        ("Lime mortar, bricks can be cleaned and reused.", "", ""),
    ),
    Column(
        "status",
        ("status", "lifecycle status"),
        _l("installed (default) or to_harvest, …; an update must follow the lifecycle."),
        ("installed", "installed", "to_harvest"),
    ),
)


BY_FIELD = {c.field: c for c in COLUMNS}


REQUIRED = tuple(c.field for c in COLUMNS if c.required)
