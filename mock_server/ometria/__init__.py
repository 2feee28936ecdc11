"""Ometria Data API v2 (per-account data, push queue)."""
