"""The read API: /api/v1/…, published data only, as JSON described by OpenAPI 3.1."""
