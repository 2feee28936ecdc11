"""Omnisend REST API v3 and v5 (one brand's data behind both)."""
