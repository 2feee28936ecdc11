"""Local sandbox of the Omnisend (v3, v5) and Ometria (Data API v2) REST APIs."""

__version__ = "0.1.0"
