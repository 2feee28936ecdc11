"""Omnisend request schemas (marshmallow), one module per resource; wire names are the vendor's."""
