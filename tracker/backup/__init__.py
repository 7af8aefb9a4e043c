"""Moving all data between databases: one JSON document holding every table."""
