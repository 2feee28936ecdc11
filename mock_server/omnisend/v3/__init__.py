"""Omnisend REST v3 on the wire: routes, request schemas, the ``{"error"}`` envelope, the list table.

The envelope, link paging and ``X-Rate-Limit-*`` headers are shared with v5 (omnisend.md §4); the
brand's rules and state live in :mod:`mock_server.omnisend.backend`, shared by every generation.
"""
