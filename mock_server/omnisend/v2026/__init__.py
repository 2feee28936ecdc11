"""Omnisend API version 2026-03-15 on the wire: under /api, chosen by the ``Omnisend-Version`` header.

What differs from v3/v5 lives here: the pipeline (``Authorization: Omnisend-API-Key``, the version
header, per-endpoint sliding-window budgets, scopes), RFC 9457 problem bodies, cursor paging whose
cursors carry the query, the field renames (``contactID`` -> ``id``, ``statusDate`` ->
``statusChangedAt``), routes and schemas. The brand's rules and state are the shared
:mod:`mock_server.omnisend.backend`.
"""
