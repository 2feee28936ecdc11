"""Browser tracking: paths, names and messages of tracking.md (every vendor fact names its source there).

Source tags as in the reference: OM-SNIP / OM-PIXEL (Omnisend snippet and its wire calls), OMT-JS /
OMT-TAG (Ometria's JavaScript API and the tag it serves), OMT-HL (Ometria headless tracking).
"""

from __future__ import annotations

import re

OMNISEND = "omnisend"
OMETRIA = "ometria"

# -- serving paths (tracking.md §1) -------------------------------------------------------------------
LAUNCHER_PATH = "/inshop/launcher-v2.js"  # OM-SNIP: https://omnisnippet1.com/inshop/launcher-v2.js
IDENTIFY_PATH = "/REST/inShop/v1/identifyContact"  # OM-PIXEL
PAGEVIEW_PATH = "/REST/webTracking/v1/event"  # OM-PIXEL
EVENT_PATH = "/REST/webTracking/v2/event"  # OM-PIXEL
TAG_PATH = "/tags/<tag>.js"  # OMT-JS: //cdn.ometria.com/tags/<account>.js
BEACON_PATH = "/track/v3/<tag>/event.gif"  # OMT-TAG: endpoint + "v" + api_version + "/" + key + "/event.gif"
HEADLESS_PATH = "/api/track"  # OMT-HL
OMNISEND_PREFIXES = ("/inshop", "/REST")
OMETRIA_PREFIXES = ("/tags", "/track")

# Files of the stand-ins inside the package (static/), served with no build step.
LAUNCHER_FILE = "launcher-v2.js"
TAG_FILE = "ometria-tag.js"

CT_JS = "application/javascript; charset=utf-8"
CT_GIF = "image/gif"
# Mock decision (§1): a QA person always gets the current stand-in.
SCRIPT_CACHE = "no-store"
UNKNOWN_TAG_SCRIPT = "/* unknown Ometria account */"
# The 43-byte transparent 1x1 GIF every GET beacon answers (§2, mock decision).
PIXEL_GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")

# -- messages (tracking.md §8) --------------------------------------------------------------------------
ERR_UNKNOWN_BRAND = "unknown brandID '{id}'"
ERR_UNKNOWN_ACCOUNT = "unknown Ometria account '{id}'"
ERR_MALFORMED_HIT = "malformed tracking hit"
ERR_MALFORMED_REQUEST = "malformed tracking request"
ERR_EMAIL_OR_PHONE = "email or phone required"
ERR_ACCOUNT_REQUIRED = "account required: send header X-Ometria-Account or query account"
ERR_METHOD = "method not allowed"
ERR_NOT_FOUND = "not found"
ERR_UNKNOWN_VENDOR = "unknown vendor '{vendor}' (expected one of ometria, omnisend)"
ERR_UNKNOWN_TENANT = "unknown tenant '{tenant}'"

# -- Omnisend (tracking.md §3) ------------------------------------------------------------------------
PAGE_VIEWED = "$pageViewed"  # OM-SNIP
PRODUCT_VIEWED = "$productViewed"  # OM-LEGACY: recorded, never stored as an event (mock decision)
IDENTIFY = "identifyContact"
# Vendor rule for a valid email in the snippet (§3.4) and the pixel's isInternationalPhone.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
INTERNATIONAL_PREFIXES = ("+", "00")
# Tag put on a contact the snippet creates (mock decision, §3.4).
SNIPPET_TAG = "source: omnisend snippet"

# Hit statuses (§6).
STORED = "stored"
ANONYMOUS = "anonymous"
REJECTED = "rejected"
RECORDED = "recorded"

# Hit sources (§6).
SNIPPET = "snippet"
TAG = "tag"
HEADLESS = "headless"

# -- Ometria (tracking.md §4, §5) -------------------------------------------------------------------
ACCOUNT_HEADER = "X-Ometria-Account"  # OMT-TAG sends it with its own requests
ACCOUNT_QUERY = "account"
PAGEVIEW = "pageview"
OMETRIA_IDENTIFY = "identify"
CUSTOM_CHANNEL = "custom"
# OMT-TAG identify: an email (\S+@\S+\.\S+) or an Ometria id "omid:<id>".
OMETRIA_EMAIL_RE = re.compile(r"\S+@\S+\.\S+")
OMID_PREFIX = "omid:"
# The listing identify creates (mock decision, §4.5).
IDENTIFY_COLLECTION = "website"
IDENTIFY_OPTIN = "NOT_SPECIFIED"
PROFILE_NAME_FIELDS = ("firstname", "lastname")
# OMT-HL: scopes and their actions ("view" takes any non-empty action, mock decision).
HEADLESS_ACTIONS: dict[str, tuple[str, ...] | None] = {
    "view": None, "basket": ("add", "remove"), "order": ("add", "cancel", "return")}
HEADLESS_METHODS = ("OPTIONS", "POST")  # the methods /api/track serves (its 405 Allow, §1)
HEADLESS_ALLOW_METHODS = "POST, OPTIONS"
HEADLESS_ALLOW_HEADERS = "Content-Type, X-Ometria-Account"
TRIGGER_KIND = "tracking_trigger"

# -- listing (tracking.md §6) -------------------------------------------------------------------------
PAGE_VIEW_TYPES = frozenset({PAGE_VIEWED, PAGEVIEW})
HIT_ID_FORMAT = "trk-{:06d}"
