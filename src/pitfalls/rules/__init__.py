"""One module per rule (pitNNN_*.py) and its fixer; the table of them is pitfalls.catalog."""
