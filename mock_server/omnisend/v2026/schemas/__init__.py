"""Omnisend 2026-03-15 request schemas (marshmallow); wire names are the contracts'."""
