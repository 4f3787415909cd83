"""The GS1 resolver's knowledge: which links a component has, and which one a request asks for.

GS1-Conformant Resolver Standard (1.1, and 1.2 where it only clarifies) on top of RFC 9264
linksets. A component is found by its GS1 Digital Link URI (`passports.gs1`): a GTIN and a
serial number (`/01/<GTIN-14>/21/<serial>`) or a GIAI (`/8004/<prefix><TAG>`). Every link
the resolver gives is public, so the answer is the same for every caller and nothing private
leaks: the passport page (gs1:pip, also the one gs1:defaultLink), the public passport JSON and
the UNTP credential (gs1:sustainabilityInfo; the credential also as gs1:dpp), the public
hazards and clearances (gs1:certificationInfo), the public master data (gs1:masterData), the
label's QR image (gs1:relatedImage), and what other packages add through `on_resolver_links`
(the exchange adds its public listing, as schema:offers).

Link types are written as full URIs in the GS1 Web Vocabulary namespace the 1.1 standard uses
(`https://gs1.org/voc/`); a request may name them as CURIEs (`gs1:pip`) or as URIs in any of
GS1's namespaces. Several links of one type are told apart by their media type: a request
gets the first one, in the order given here, that its Accept header likes best.
"""

import json
from functools import cache
from typing import NamedTuple

from flask import current_app
from flask_babel import get_locale
from flask_babel import get_translations
from flask_babel import gettext as _
from sqlalchemy import bindparam
from sqlalchemy import select

from app.i18n import LANGUAGES
from app.urls import public_base_url
from passports.gs1 import digital_link_uri
from passports.gs1 import is_valid_gtin
from passports.gs1 import normalize_gtin
from passports.models import Component
from passports.permissions import offered_components
from passports.permissions import offered_conditions
from passports.public_reads import read
from passports.tags import normalize_tag

GS1 = "https://gs1.org/voc/"
# GS1 has published its vocabulary under these; a request may use any of them.
GS1_NAMESPACES = (
    GS1,
    "https://www.gs1.org/voc/",
    "https://ref.gs1.org/voc/",
    "http://gs1.org/voc/",
)
SCHEMA_ORG = "https://schema.org/"
PREFIXES = {"gs1:": GS1, "schema:": SCHEMA_ORG}

PIP = GS1 + "pip"
DEFAULT_LINK = GS1 + "defaultLink"
SUSTAINABILITY_INFO = GS1 + "sustainabilityInfo"
DPP = GS1 + "dpp"
CERTIFICATION_INFO = GS1 + "certificationInfo"
MASTER_DATA = GS1 + "masterData"
RELATED_IMAGE = GS1 + "relatedImage"
OFFERS = SCHEMA_ORG + "offers"

LINKSET = "application/linkset+json"
# RFC 9264 media type of the answer, and the JSON-LD context GS1 publishes for linksets.
LINKSET_CONTEXT = "https://ref.gs1.org/standards/resolver/linkset-context"
# linkType values that ask for the linkset itself ("all" is the 1.0 name, still understood).
LINKSET_LINK_TYPES = ("linkset", "all")
VC_MEDIA_TYPE = "application/vc"
VC_JWT_MEDIA_TYPE = "application/vc+jwt"
SUPPORTED_PRIMARY_KEYS = ("01", "8004")
# GS1 character set 82: what AI 21 (serial) and AI 8004 (GIAI) may contain.
_CSET82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
_PROVIDERS = "passports.resolver_links"


class Link(NamedTuple):
    """One link of a component: its type (a URI), target, title and, where known, media type
    and languages."""

    rel: str
    href: str
    title: str
    type: str | None = None
    hreflang: tuple[str, ...] = ()

    def target(self) -> dict:
        """The RFC 9264 target object: href, title, type and hreflang where given."""
        out = {"href": self.href, "title": self.title}
        if self.type:
            out["type"] = self.type
        if self.hreflang:
            out["hreflang"] = list(self.hreflang)
        return out


class Subject(NamedTuple):
    """The component a Digital Link URI names, as the resolver knows it: the public facts."""

    id: int
    tag: str
    name: str
    gtin: str | None
    serial_number: str | None
    anchor: str
    # Whether a package offers it (passports.permissions.on_offered): only then are the
    # links of `on_resolver_links` looked up.
    offered: bool = False


class InvalidDigitalLink(ValueError):
    """The request path is not a valid GS1 Digital Link URI (the standard says: 400)."""


def on_resolver_links(app, provider) -> None:
    """Register `provider(subject) -> list[Link]`: more public links of a component, from a
    package that offers it (the exchange: its listing). Called only when those links are
    needed (the linkset, or a link type no built-in link has) and the component is offered
    (the condition the package registered with passports.permissions.on_offered, asked in
    the lookup's own statement); one query at most, please."""
    app.extensions.setdefault(_PROVIDERS, []).append(provider)


@cache
def page_languages() -> tuple[str, ...]:
    """The languages the app's pages are served in, as BCP 47 tags GS1's linkset schema
    accepts (two letters: "zh" for the simplified Chinese catalogue)."""
    return tuple(code.split("_")[0] for code in LANGUAGES)


# ------------------------------------------------------------------ finding the component
_COLUMNS = (
    Component.id,
    Component.tag,
    Component.name,
    Component.gtin,
    Component.serial_number,
)
# The lookups, by the offered conditions the app's packages registered: built once each.
_LOOKUPS: dict = {}


def _lookups():
    """The two lookup statements (by tag; by GTIN and serial), each also asking whether the
    component is offered: one round trip, where asking the offering packages would be a
    second one for every component, offered or not."""
    conditions = offered_conditions()
    found = _LOOKUPS.get(conditions)
    if found is None:
        columns = (*_COLUMNS, offered_components().label("offered"))
        found = _LOOKUPS[conditions] = (
            select(*columns).where(Component.tag == bindparam("tag", required=False)),
            select(*columns).where(
                Component.gtin == bindparam("gtin", required=False),
                Component.serial_number == bindparam("serial", required=False),
            ),
        )
    return found


def _one(statement, params: dict):
    rows = read(statement, params)
    return rows[0] if rows else None


def _cset82(value: str, max_length: int) -> bool:
    return 0 < len(value) <= max_length and all(ch in _CSET82 for ch in value)


def by_gtin_serial(gtin: str, serial: str) -> Subject | None:
    """The component a `/01/<gtin>/21/<serial>` URI names; InvalidDigitalLink when the GTIN
    or serial cannot be one, None when no component has them."""
    if not is_valid_gtin(gtin):
        raise InvalidDigitalLink(
            _("%(gtin)s is not a valid GTIN (8, 12, 13 or 14 digits with check digit).", gtin=gtin)
        )
    if not _cset82(serial, 20):
        raise InvalidDigitalLink(
            _("A serial number (AI 21) has 1 to 20 characters of GS1's character set 82.")
        )
    gtin14 = normalize_gtin(gtin)
    row = _one(_lookups()[1], {"gtin": gtin14, "serial": serial})
    if row is None:
        return None
    *facts, offered = row
    return Subject(*facts, anchor=digital_link_uri(row[1], gtin14, serial), offered=bool(offered))


def by_giai(giai: str) -> Subject | None:
    """The component a `/8004/<giai>` URI names: our GS1 company prefix and its tag;
    InvalidDigitalLink when it cannot be a GIAI, None when it is not one of ours."""
    if not _cset82(giai, 30) or not giai[0].isdigit():
        raise InvalidDigitalLink(
            _(
                "A GIAI (AI 8004) starts with a GS1 company prefix and has at most 30 "
                "characters of GS1's character set 82."
            )
        )
    prefix = current_app.config["GS1_COMPANY_PREFIX"]
    tag = normalize_tag(giai[len(prefix) :]) if giai.startswith(prefix) else None
    if tag is None:
        return None
    row = _one(_lookups()[0], {"tag": tag})
    if row is None:
        return None
    *facts, offered = row
    return Subject(*facts, anchor=digital_link_uri(row[1]), offered=bool(offered))


# ------------------------------------------------------------------ the links
# Titles by locale: the same few texts at every request, looked up once per language.
_TITLES: dict = {}


def titles() -> dict[str, str]:
    """The link titles in the request's language."""
    locale = get_locale()  # a babel Locale (hashable), None outside a request
    found = _TITLES.get(locale)
    if found is None:
        t = get_translations()
        found = _TITLES[locale] = {
            "page": t.gettext("Material passport"),
            "json": t.gettext("Material passport (JSON)"),
            "credential": t.gettext("Digital product passport (UNTP credential)"),
            "signed": t.gettext("Digital product passport (UNTP credential, signed)"),
            "hazards": t.gettext("Hazardous substances and their clearances"),
            "master": t.gettext("Master data"),
            "qr": t.gettext("QR code"),
        }
    return found


# The links every component has, in order of preference within each link type: its type, the
# path after the passport page's URL, its title (a key of titles()), its media type, and
# whether it is a page in the page languages.
_OWN_LINKS = (
    (PIP, "", "page", "text/html", True),
    (SUSTAINABILITY_INFO, "", "json", "application/json", False),
    (SUSTAINABILITY_INFO, "/dpp.json", "credential", VC_MEDIA_TYPE, False),
    (SUSTAINABILITY_INFO, "/dpp.jwt", "signed", VC_JWT_MEDIA_TYPE, False),
    (DPP, "/dpp.json", "credential", VC_MEDIA_TYPE, False),
    (DPP, "/dpp.jwt", "signed", VC_JWT_MEDIA_TYPE, False),
    (CERTIFICATION_INFO, "/hazards.json", "hazards", "application/json", False),
    (MASTER_DATA, "/master-data.json", "master", "application/json", False),
    (RELATED_IMAGE, "/qr.png", "qr", "image/png", False),
    (RELATED_IMAGE, "/qr.svg", "qr", "image/svg+xml", False),
)


def own_links(subject: Subject) -> list[Link]:
    """The links every component has, in order of preference within each link type."""
    text = titles()
    page = f"{public_base_url()}/t/{subject.tag}"
    languages = page_languages()
    return [
        Link(rel, page + path, text[title], media_type, languages if localized else ())
        for rel, path, title, media_type, localized in _OWN_LINKS
    ]


def default_link(subject: Subject) -> Link:
    """The one default link (the passport page), with a title and nothing else, as the
    standard wants it."""
    return Link(DEFAULT_LINK, f"{public_base_url()}/t/{subject.tag}", titles()["page"])


def offered_links(subject: Subject) -> list[Link]:
    """The links other packages add to a component they offer (see `on_resolver_links`)."""
    links: list[Link] = []
    if not subject.offered:
        return links
    for provider in current_app.extensions.get(_PROVIDERS, ()):
        links.extend(provider(subject))
    return links


def all_links(subject: Subject) -> list[Link]:
    """Every link of the component: its own, the offered ones, and the default link."""
    return [*own_links(subject), *offered_links(subject), default_link(subject)]


def linkset(subject: Subject, links: list[Link]) -> dict:
    """The RFC 9264 JSON linkset: one context object, the anchor and its link types."""
    context: dict = {"anchor": subject.anchor, "description": subject.name}
    for link in links:
        context.setdefault(link.rel, []).append(link.target())
    return {"linkset": [context]}


# The linkset of a component nobody offers, as JSON text with stand-ins for its tag, anchor
# and name, by language and base URL: written once by `linkset` itself, filled in by
# `linkset_json` at each request (the GS1 resolver's busiest answer).
_STAND_INS = ("\ue000TAG\ue000", "\ue000ANCHOR\ue000", "\ue000NAME\ue000")
_LINKSET_TEXT: dict = {}


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def linkset_json(subject: Subject) -> str:
    """`linkset(subject, all_links(subject))` as compact JSON text."""
    if subject.offered:
        return _json(linkset(subject, all_links(subject)))
    key = (get_locale(), public_base_url())
    text = _LINKSET_TEXT.get(key)
    if text is None:
        tag, anchor, name = _STAND_INS
        stand_in = Subject(0, tag, name, None, None, anchor)
        text = _LINKSET_TEXT[key] = _json(linkset(stand_in, all_links(stand_in)))
    tag, anchor, name = _STAND_INS
    # The tag and anchor are URL characters; the name, filled in last, is escaped as JSON.
    return (
        text.replace(tag, subject.tag)
        .replace(anchor, subject.anchor)
        .replace(name, _json(subject.name)[1:-1])
    )


# ------------------------------------------------------------------ what a request asks for
def expand_link_type(value: str) -> str:
    """A requested linkType as a full URI in the namespace the links use: `gs1:pip` and
    `https://ref.gs1.org/voc/pip` are both `https://gs1.org/voc/pip`."""
    value = value.strip()
    for prefix, namespace in PREFIXES.items():
        if value.startswith(prefix):
            return namespace + value[len(prefix) :]
    for namespace in GS1_NAMESPACES:
        if value.startswith(namespace):
            return GS1 + value[len(namespace) :]
    if value.startswith("http://schema.org/"):
        return SCHEMA_ORG + value.removeprefix("http://schema.org/")
    return value


def compact(rel: str) -> str:
    """A link type as people write it: `gs1:pip`, `schema:offers`."""
    for prefix, namespace in PREFIXES.items():
        if rel.startswith(namespace):
            return prefix + rel[len(namespace) :]
    return rel


def choose(links: list[Link], accept) -> Link:
    """Of several links of one type, the one the Accept header likes best (the first of
    equals; the first when it likes none of them)."""
    best, best_quality = links[0], -1.0
    for link in links:
        quality = accept.quality(link.type) if link.type else 0.0
        if quality > best_quality:
            best, best_quality = link, quality
    return best


def link_types(links: list[Link]) -> list[str]:
    """The link types among the links, as CURIEs, in order, once each."""
    return list(dict.fromkeys(compact(link.rel) for link in links))


def description() -> dict:
    """The resolver description file (/.well-known/gs1resolver), as section 3 of the standard
    and GS1's JSON schema for it define it."""
    return {
        "name": "Material Passport Exchange",
        "resolverRoot": public_base_url(),
        "supportedPrimaryKeys": list(SUPPORTED_PRIMARY_KEYS),
        "supportedLinkType": [
            {"namespace": GS1, "prefix": "gs1:"},
            {"namespace": SCHEMA_ORG, "prefix": "schema:"},
        ],
        "linkTypeDefaultCanBeLinkset": False,
        "jsonLdContextLocation": LINKSET_CONTEXT,
    }
