"""Every Omnisend number, header and message the mock uses, with where it comes from.

Section numbers refer to ../shared/reference/omnisend.md (the binding behaviour reference).
"""

from __future__ import annotations

VENDOR = "omnisend"
PREFIXES = ("/v3", "/v5")
API_KEY_HEADER = "X-API-KEY"  # OAS3 securitySchemes.X-API-KEY; matched case-insensitively (§1.2)

# §1.4 rate limit: 400 requests per 60 s per brand (vendor docs); sliding window (mock decision).
RATE_LIMIT = 400
RATE_WINDOW = 60.0
RATE_GROUP = "api"
H_LIMIT = "X-Rate-Limit-Limit"
H_REMAINING = "X-Rate-Limit-Remaining"
H_RESET = "X-Rate-Limit-Reset"

# §1.2 / §1.5 error texts
ERR_UNAUTHORIZED = "Unauthorized - authorization error (invalid basic auth data or API key)"  # OAS3 401 text
ERR_FORBIDDEN = "Forbidden - access to this resource is not allowed"  # mock decision
ERR_BAD_PARAMS = "Bad Request - invalid parameters, fields or filters"  # OAS3 400 text
ERR_BAD_JSON = "Bad Request - invalid JSON"  # mock decision
ERR_VALIDATION = "{count} error(s) found. Check 'fields' array for details."  # vendor text (php-sdk README)
ERR_ROUTE_NOT_FOUND = " Not found \u2013 There is no resource behind the URI."  # OAS3 404 text verbatim
ERR_METHOD = "Method Not Allowed"  # mock decision
ERR_TOO_LARGE = "Request Entity Too Large - request body exceeds {cap} bytes"  # mock decision
ERR_RATE = "Too many requests - rate limit of {limit} requests per minute exceeded"  # mock decision
ERR_RATE_WINDOW = "Too many requests - rate limit of {limit} requests per {window} seconds exceeded"
ERR_INTERNAL = "Internal Server Error"  # mock decision
ERR_TIMEOUT = "Request timeout"  # OAS3 408 text (fault injection only)
ERR_UNAVAILABLE = "Service Unavailable"  # fault injection only
OVERRIDE_FIELD = ("X-HTTP-Method-Override", "must be one of PUT, PATCH, DELETE")  # §1.5

# §1.6 content types as recorded
CT_JSON = "application/json"
CT_JSON_UTF8 = "application/json; charset=utf-8"

# §1.1 alias warning
ALIAS_WARNING = ("path", "served as /v3 alias")

# §2.1 paging
DEFAULT_LIMIT = 100
MAX_LIMIT = 250

# §3.1 contacts (mock decisions for the 404 texts)
ERR_CONTACT_NOT_FOUND = "Contact with '{id}' contactID not found"
ERR_CONTACT_EMAIL_NOT_FOUND = "Contact with '{email}' email not found"
CONTACT_STATUSES = ("subscribed", "unsubscribed", "nonSubscribed")
IDENTIFIER_TYPES = ("email", "phone")
GENDERS = ("m", "f")
TAG_PATTERN = r"^[a-zA-Z0-9_\- ]{1,128}$"  # after wp-omnisend's validator (mock decision)
MAX_TAGS = 100
CUSTOM_PROPERTY_NAME = r"^[a-zA-Z0-9_]{1,128}$"

# §1.3 scope areas
SCOPE_AREAS = ("contacts", "products", "orders", "carts", "events", "campaigns", "brands")

# §6.7 workflows enabled by default
DEFAULT_WORKFLOWS = ("order confirmation", "welcome")
