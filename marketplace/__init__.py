"""The exchange: listings of recovered materials, search, reservations and exports."""
