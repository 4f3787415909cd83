"""Serving a credential: its JSON (the exact bytes it is signed as), or the compact JWS when
the path ends in `.jwt` or the request prefers `application/vc+jwt`.

The JSON goes out as `application/json`, or as `application/vc` (the VC Data Model 2.0 media
type, which the resolver's linkset names) to a client that asks for that first."""

from flask import Response
from flask import request

from passports.untp.signing import MEDIA_TYPE
from passports.untp.signing import canonical_json
from passports.untp.signing import sign

VC_JSON = "application/vc"


def wants_signed(signed: bool) -> bool:
    """True for a `.jwt` path, or a `.json` path asked for with Accept: application/vc+jwt."""
    if signed:
        return True
    accept = request.accept_mimetypes
    return accept[MEDIA_TYPE] > accept["application/json"]


def credential_response(credential: dict, *, signed: bool, cache: str = "private, no-cache"):
    """The credential, signed or not, with the media type that says which."""
    if wants_signed(signed):
        response = Response(sign(credential), mimetype=MEDIA_TYPE)
    else:
        accept = request.accept_mimetypes
        mimetype = VC_JSON if accept[VC_JSON] > accept["application/json"] else "application/json"
        response = Response(canonical_json(credential), mimetype=mimetype)
    response.headers["Cache-Control"] = cache
    response.vary.add("Accept")
    return response
