"""What the passports announce to whoever listens, without knowing them (blinker signals).

Dependencies point one way: passports never import the exchange. A package that cares (the
exchange tells buyers of a building newly due for demolition) connects a receiver from its
`init_app`; with no receiver, sending costs nothing.
"""

from blinker import Namespace

_signals = Namespace()

# Sent (with the sender the Building, and `before`, its former status or None for a new
# building) after a building's status changed and was flushed, inside the caller's transaction.
building_status_changed = _signals.signal("building-status-changed")

# Sent (with the sender the Building) after a building was created or edited and flushed,
# inside the caller's transaction: the urban mine links it to its register entry.
building_saved = _signals.signal("building-saved")
