"""Omnisend v5 request schemas (marshmallow); wire names are the vendor's."""
