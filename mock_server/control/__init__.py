"""The /_mock sandbox plane: reset, fixtures, state, journal, faults, clock, limits, outbox, drain,
OpenAPI, plus the cross-cutting glue it owns (admin token, CORS, the journal recorder)."""
