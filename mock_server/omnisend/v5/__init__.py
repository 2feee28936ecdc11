"""Omnisend REST v5 on the wire: its routes and request schemas.

v5 answers in the v3 envelope with v3's link paging and rate-limit headers (omnisend.md §4), so it
reuses the pipeline, errors and list table of :mod:`mock_server.omnisend.v3`; only routes and
schemas differ.
"""
