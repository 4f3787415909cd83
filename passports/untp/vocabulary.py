"""UNTP constants and the small building blocks every credential of this app uses: contexts,
the issuer, links, measures, dates, and the mapping of our codes to UN/CEFACT and GS1 codes.

UNTP (UN Transparency Protocol) Digital Product Passport and Digital Traceability Event, the
"working" vocabularies whose JSON Schemas (draft 2020-12) are the ones the tests validate
against (`shared/samples/untp`)."""

from datetime import UTC
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app

from app.urls import public_base_url
from passports.untp.signing import signing_key

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
DPP_CONTEXT = "https://test.uncefact.org/vocabulary/untp/dpp/working/"
DTE_CONTEXT = "https://test.uncefact.org/vocabulary/untp/dte/working/"
LINK_TYPES = "https://test.uncefact.org/vocabulary/linkTypes/"
GS1_LINK_TYPES = "https://gs1.org/voc/"
CBV = "https://ref.gs1.org/cbv/"

# Our units as UN/CEFACT Recommendation 20 codes (the UNTP Measure's `unit`).
UNECE_UNITS = {"pcs": "H87", "m": "MTR", "m2": "MTK", "m3": "MTQ", "kg": "KGM", "t": "TNE"}
KILOGRAM = "KGM"
MILLIMETRE = "MMT"


def issuer() -> dict:
    """This instance as the credentials' issuer: its did:web DID and its name."""
    name = current_app.config.get("OPERATOR_NAME") or (
        f"Material Passport Exchange ({urlsplit(public_base_url()).netloc})"
    )
    return {"type": ["CredentialIssuer"], "id": signing_key().did, "name": name}


def timestamp(moment: datetime | None) -> str:
    """An XML Schema dateTime in UTC, to the second (stored times are naive UTC)."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"


def link(url: str, name: str, link_type: str) -> dict:
    """A UNTP Link."""
    return {"type": ["Link"], "linkURL": url, "linkName": name, "linkType": link_type}


def measure(value: float, unit: str) -> dict:
    """A UNTP Measure."""
    return {"type": ["Measure"], "value": round(float(value), 6), "unit": unit}


def ratio(value: float | None) -> float | None:
    """A share rounded for print (six decimals), None kept."""
    return None if value is None else round(float(value), 6)


def compact(mapping: dict) -> dict:
    """The mapping without its None values and empty strings or lists (UNTP leaves out what
    is not known rather than writing null)."""
    return {k: v for k, v in mapping.items() if v is not None and v != "" and v != []}
