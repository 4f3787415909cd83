"""The steps a reservation takes once requested, which side of the deal takes each, and what a
step does: one table that the pages and the API both follow. Steps flush; the edge commits."""

from collections.abc import Callable
from dataclasses import dataclass

from marketplace import transfer
from marketplace.models import Reservation
from marketplace.permissions import reservation_for
from marketplace.services.reservations import accept_reservation
from marketplace.services.reservations import cancel_reservation
from marketplace.services.reservations import reject_reservation


@dataclass(frozen=True)
class Step:
    """Who takes a step ("seller" or "buyer"), what it does in a sentence, and the service."""

    side: str
    summary: str
    run: Callable[[Reservation, object], object]


STEPS = {
    "accept": Step(
        "seller", "The seller accepts a request.", lambda r, _user: accept_reservation(r)
    ),
    "reject": Step(
        "seller",
        "The seller rejects a request; the quantity is offered again.",
        lambda r, _user: reject_reservation(r),
    ),
    "cancel": Step(
        "buyer",
        "The buyer cancels; the quantity is offered again.",
        lambda r, _user: cancel_reservation(r),
    ),
    "collect": Step(
        "seller",
        "The seller hands over: the components move to the buyer with their passports.",
        transfer.collect_reservation,
    ),
}


def take_step(user, reservation_id: int, step: str) -> Reservation:
    """Take a step as the user: 404 unless party to the reservation, 403 for the wrong side,
    409 (Conflict) when the reservation's status does not allow it."""
    side = STEPS[step].side
    reservation = reservation_for(
        user, reservation_id, as_seller=side == "seller", as_buyer=side == "buyer"
    )
    STEPS[step].run(reservation, user)
    return reservation
