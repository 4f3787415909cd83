"""Organisation and city dashboards: the urban mine, what was reused and the CO2 avoided."""
