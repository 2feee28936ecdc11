"""The contact timeline: everything that happened to one Omnisend contact or Ometria profile, in time order.

``core`` holds the mechanism and the registries; each source module registers its finder and providers
when imported here. A new source (the 2026 API's automations, tracker hits) is one more module that calls
``register_provider`` and one more import below.
"""

from mock_server.control.ui.timeline import ometria, omnisend, sources
from mock_server.control.ui.timeline.core import Item, Subject, build, find, register_finder, register_provider

__all__ = ["Item", "Subject", "build", "find", "ometria", "omnisend", "register_finder", "register_provider",
           "sources"]
