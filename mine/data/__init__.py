"""Material intensity data and the script that derives it (see README.md)."""
