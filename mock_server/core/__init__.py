"""Vendor-neutral mechanisms: store, clock, ids, paging, sorting, rate limits, size limits, errors."""
