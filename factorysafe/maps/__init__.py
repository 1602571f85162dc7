"""Public safety map, public factory pages and open data."""
