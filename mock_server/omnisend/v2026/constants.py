"""Every wire number, header, problem type and message of API version 2026-03-15, with its source.

Section numbers (§) in this package refer to docs/omnisend-2026.md, the version's behaviour in our own
words, numbered like the team's behaviour reference. "(mock decision)" marks a choice no public source
settles (omnisend-2026.md §7.2).
"""

from __future__ import annotations

PREFIX = "/api"
VERSION = "2026-03-15"  # §1.1, the contracts' APIVersionHeader default
PREVIEW = "2026-preview"  # §1.2: accepted and served as 2026-03-15 (mock decision)
VERSION_HEADER = "Omnisend-Version"  # §1.1
AUTH_HEADER = "Authorization"
API_KEY_SCHEME = "Omnisend-API-Key"  # §1.1
BEARER_SCHEME = "Bearer"  # §1.1: OAuth; a brand's API keys also work as bearer tokens (mock decision)
LEGACY_KEY_HEADER = "X-API-KEY"  # §1.3: the v3/v5 header, not read under /api
JOURNAL_VERSION_LABELS = {"/v3": "v3", "/v5": "v5"}

# §2.1 problem types. Omnisend-published: validation-failed, not-found, rate-limit-exceeded, unauthorized.
# The rest follow the same naming (mock decision, §2.1).
PROBLEM_BASE = "https://problems.omnisend.com/"
T_VALIDATION = PROBLEM_BASE + "validation-failed"
T_NOT_FOUND = PROBLEM_BASE + "not-found"
T_RATE = PROBLEM_BASE + "rate-limit-exceeded"
T_UNAUTHORIZED = PROBLEM_BASE + "unauthorized"
T_FORBIDDEN = PROBLEM_BASE + "forbidden"
T_CONFLICT = PROBLEM_BASE + "conflict"
T_PAYMENT = PROBLEM_BASE + "payment-required"
T_GONE = PROBLEM_BASE + "version-retired"
T_METHOD = PROBLEM_BASE + "method-not-allowed"
T_TOO_LARGE = PROBLEM_BASE + "payload-too-large"
T_UNPROCESSABLE = PROBLEM_BASE + "unprocessable"
T_INTERNAL = PROBLEM_BASE + "internal-error"
T_UNAVAILABLE = PROBLEM_BASE + "service-unavailable"
T_GENERIC = PROBLEM_BASE + "problem"
INSTANCE = "urn:omnisend:request:{id}"  # §2.1
CT_JSON = "application/json"  # §2.1: every contract declares error bodies as application/json

# Titles: "Validation failed", "Not found", "Rate limit exceeded", "Unauthorized" are Omnisend's (§2.1,
# §4, OBS-401); the others mock decisions in the same style.
TITLES = {400: "Validation failed", 401: "Unauthorized", 402: "Payment required", 403: "Forbidden",
          404: "Not found", 405: "Method not allowed", 408: "Request timeout", 409: "Conflict",
          410: "API version retired", 413: "Payload too large", 415: "Unsupported media type",
          422: "Unprocessable entity", 429: "Rate limit exceeded", 500: "Internal server error",
          502: "Bad gateway", 503: "Service unavailable", 504: "Gateway timeout"}
TYPES = {400: T_VALIDATION, 401: T_UNAUTHORIZED, 402: T_PAYMENT, 403: T_FORBIDDEN, 404: T_NOT_FOUND, 405: T_METHOD,
         409: T_CONFLICT, 410: T_GONE, 413: T_TOO_LARGE, 422: T_UNPROCESSABLE, 429: T_RATE,
         500: T_INTERNAL, 503: T_UNAVAILABLE}

# Details (mock decisions unless marked)
DETAIL_VALIDATION = "One or more fields are invalid."  # D-RESP example
DETAIL_LEGACY_KEY = "API key or access token not provided"  # OBS-XKEY wording
DETAIL_FORBIDDEN = "Insufficient permissions for this operation. Missing {scope} scope."  # C-* 403 text
DETAIL_BEARER_ONLY = "This operation requires an OAuth access token."
DETAIL_VERSION_RETIRED = "API version '{version}' has been retired."  # C-* 410 "API version has been retired"
DETAIL_ROUTE = "No resource behind {method} {path}."
DETAIL_METHOD = "Method {method} is not allowed on {path}; allowed: {allowed}."
DETAIL_TOO_LARGE = "Request body exceeds {cap} bytes."
DETAIL_RATE = "Rate limit of {limit} requests per {window} exceeded."  # §4 MOCK wording
DETAIL_INTERNAL = "An unexpected error occurred."
DETAIL_BAD_JSON = "Request body is not valid JSON."
DETAIL_CURSOR_FILTERS = "Filters and sorting must not change while paging with a cursor."  # D-PAGE
DETAIL_CONTACT_NOT_FOUND = "Contact '{id}' not found."  # C-contacts 404 "Contact not found"
DETAIL_CONTACT_EMAIL_NOT_FOUND = "Contact with email '{email}' not found."
DETAIL_IDENTIFIER_EXISTS = "Contact identifier already exists: {kind} '{value}'."  # C-contacts 409 text
DETAIL_PRODUCT_EXISTS = "Product '{id}' already exists."  # C-products 409 "Product already exists"
DETAIL_PRODUCT_NOT_FOUND = "Product '{id}' not found."  # C-products 404 "Product not found"
DETAIL_CATEGORY_EXISTS = "Category '{id}' already exists."  # C-productcategories 409
DETAIL_CATEGORY_NOT_FOUND = "Product category '{id}' not found."  # C-productcategories 404
DETAIL_BATCH_NOT_FOUND = "Batch '{id}' not found."

# Field-error codes: required and invalid_format are Omnisend's (§2.1); the rest mock decisions.
CODE_REQUIRED = "required"
CODE_FORMAT = "invalid_format"
CODE_TYPE = "invalid_type"
CODE_VALUE = "invalid_value"
CODE_LENGTH = "invalid_length"
CODE_UNKNOWN = "unknown_parameter"
CODE_CONFLICT = "conflict"
CODE_TYPE_MISMATCH = "type-mismatch"  # §2.2: wrong JSON type in an automation event filter
MSG_REQUIRED = "is required"
MSG_UNKNOWN_PARAMETER = "unknown query parameter"
MSG_VERSION_FORMAT = "must be a date in YYYY-MM-DD form, e.g. 2026-03-15"
MSG_TOGETHER = "cannot be used together with {other}"
MSG_SELECTOR = "at least one of contactIDs, emails, phones or segmentID is required"  # §5.1 (mock decision)
MSG_IDENTIFIER = "at least one identifier is required"  # §7.2 #7 (mock decision)
MSG_IDENTIFIER_TAKEN = "identifier already belongs to another contact"  # §7.2 #7 (mock decision)
MSG_EVENT_CONTACT = "one of contact.id, contact.email or contact.phone is required"  # §5.2 (mock decision)
MSG_PROPERTY_REQUIRED = "at least one property is required"  # §5.3
MSG_CATEGORY = "missing or unsupported category"  # C-event-metadata 400 text

# §3.1 paging
DEFAULT_LIMIT = 100
MAX_LIMIT = 250
PAGING_PARAMS = ("limit", "after", "before")
OFFSET_PARAMS = ("limit", "offset")
DIRECTIONS = ("asc", "desc")

# §4 rate limits: group -> ((limit, window seconds), ...). Every rule of a group must admit a request.
RATE_DEFAULT = "default"
RATE_CONTACT_TAGS = "contact-tags"
MINUTE = 60.0
DAY = 24 * 3600.0
RATE_SEGMENTS = "segments"
RATE_SEGMENTS_WRITE = "segments-write"
RATE_RENDER = "email-render"
RATE_ANALYTICS = "analytics"
RATE_GROUPS: dict[str, tuple[tuple[int, float], ...]] = {
    RATE_DEFAULT: ((400, MINUTE),),
    RATE_CONTACT_TAGS: ((60, MINUTE),),
    RATE_SEGMENTS: ((100, MINUTE),),  # GET and DELETE /segments... (D-RATE)
    RATE_SEGMENTS_WRITE: ((15, MINUTE),),  # POST and PUT /segments... (D-RATE)
    RATE_RENDER: ((40, MINUTE),),  # both /render POSTs (D-RATE); one shared budget (mock decision)
    RATE_ANALYTICS: ((10, MINUTE), (55, DAY)),  # reports + statistics share it (§4, inferred)
}
# Limiter buckets are named apart from v3's "api" window: /api budgets are counted on their own (mock
# decision, §4: the 2026 gateway's per-endpoint budgets).
BUCKET_PREFIX = "api2026:"

# §5.1 contacts
CONTACT_STATUSES = ("subscribed", "unsubscribed", "nonSubscribed")
CONTACT_SORTS = ("createdAt", "updatedAt")
MAX_TAG_SELECTORS = 250
MAX_TAGS = 100
# §5.7 batches
MAX_BATCH_ITEMS = 100
BATCH_ENDPOINTS = ("products", "contacts", "events", "categories")  # categories in GET too (mock decision)
# §5.4 / §5.5 sort keys (no direction parameter, §3.2)
PRODUCT_SORTS = ("date", "updatedAt", "createdAt")
CATEGORY_SORTS = ("title", "updatedAt", "createdAt")
METADATA_CATEGORIES = ("automations", "events", "segments")
PROPERTY_TYPES = ("string", "stringList", "integer", "integerList", "float", "floatList", "boolean",
                  "booleanList", "date", "dateList", "struct", "structList")
