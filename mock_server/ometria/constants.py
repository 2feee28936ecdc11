"""Every Ometria number, header and message the mock uses, with where it comes from.

Section numbers refer to docs/ometria.md (the behaviour the sandbox follows, in the project's own words;
Ometria's public documentation: https://docs.ometria.com/ and https://support.ometria.com/).
"""

from __future__ import annotations

VENDOR = "ometria"
PREFIXES = ("/v2",)
AUTH_HEADER = "X-Ometria-Auth"  # §1.2; matched case-insensitively

# §1.5 error texts (403, list 404 and "Record is too large" are vendor texts; the rest mock decisions)
ERR_FORBIDDEN = "API key is not authorised to access this resource"
ERR_ROUTE_NOT_FOUND = "Not found"
ERR_METHOD = "Method not allowed"
ERR_TOO_LARGE = "Request body too large"
ERR_BAD_JSON = "Payload invalid: body is not valid JSON"
ERR_PARAM = "Invalid value for parameter '{name}'"
ERR_NOT_OBJECT = "Payload invalid: body must be a JSON object"
ERR_FIELDS = "Payload invalid: {details}"
ERR_RECORD_TOO_LARGE = "Payload invalid: Record is too large"  # seed 002 text, no final period
ERR_RATE = "Too many requests"
ERR_QUEUE_FULL = "Payload rejected: queue size limit exceeded"
ERR_INTERNAL = "Internal server error"
FAULT_TEXTS = {502: "Bad gateway", 503: "Service unavailable", 504: "Gateway timeout", 500: ERR_INTERNAL,
               429: ERR_RATE, 403: ERR_FORBIDDEN, 404: ERR_ROUTE_NOT_FOUND, 400: "Payload invalid",
               408: "Request timeout"}

# §4.1 push request checks
ERR_PUSH_NOT_ARRAY = "Payload invalid: body must be a JSON array"
ERR_PUSH_EMPTY = "Payload invalid: no records"
ERR_PUSH_TOO_MANY = "Payload invalid: more than 100 records"
ERR_PUSH_MIXED = "Payload invalid: records of different @type in one request"
MAX_PUSH_RECORDS = 100  # seed 002: "send 100 records at once"
MAX_RECORD_BYTES = 60_000  # seed 002: "60k byte limit per record"
QUEUE_CAP = 50_000  # seed 002: "a maximum of 50,000 asynchronous import records"
H_QUEUE_LIMIT = "X-QueueSize-Limit"
H_QUEUE_REMAINING = "X-QueueSize-Remaining"
RECORD_TYPES = ("contact", "order", "product", "custom_event")
MAX_PUSH_ERRORS = 100  # vendor: "the 100 most recent"

# §4.2 / §4.4 per-record error vocabulary (after the vendor's example)
MSG_REQUIRED = "field is required"
MSG_INVALID = "not a valid value"

# §2 paging
DEFAULT_LIMIT = 10
MAX_LIMIT = 250
ORDERBY_PARAM = "orderby"
ORDER_UPDATED = "timestamp_update"

# §1.4 rate-limit groups: (limit, window seconds). Defaults follow seed 002 where it disagrees.
RATE_GROUPS: dict[str, tuple[int, float]] = {
    "data": (4, 1.0),
    "push": (4, 1.0),
    "transactional": (10, 1.0),
    "gdpr": (6, 60.0),
    "merge": (1, 60.0),
}

# §1.2 scopes (mock decision)
SCOPES = ("read", "write", "push", "transactional", "gdpr")

# §3 resource not-found texts
ERR_CONTACT_NOT_FOUND = "Contact with specified ID was not found"
DEFAULT_COLLECTION = "default"  # mock decision (§5.1)
ERR_PRODUCT_NOT_FOUND = "Product with specified ID was not found"  # §3.2
ERR_ORDER_NOT_FOUND = "Order with specified ID was not found"  # §3.4

# §3.2 product list filters
PARAM_ACTIVE = "active"
PARAM_INCLUDE_VARIANTS = "includeVariants"

# §5.4 custom events: "keep under 32 characters, else truncated" (another vendor page says 512;
# mock decision: 32). The warning wording is a mock decision (§1.6 X-Mock-Warnings).
EVENT_TYPE_MAX = 32
WARN_EVENT_TYPE_TRUNCATED = "truncated to 32 characters (record {id})"
# Control keys that only contacts understand; on other record types they are ignored with a warning
# (mock decision, §1.6 "ignored control keys").
WARN_CONTROL_IGNORED = "ignored: applies to contact records only (record {id})"

# §6.2 SMS double opt-in collections and §6.11 outbox kinds (mock decisions on the entry shapes)
COLLECTION_SMS_OPTIN = "optin:sms"
COLLECTION_SMS_DOUBLE_OPTIN = "double_optin:sms"
OUTBOX_SMS_DOUBLE_OPTIN = "sms_double_optin"
OUTBOX_CAMPAIGN_TRIGGER = "campaign_trigger"

# §4.3 async queue worker defaults (mock decision): how often the worker wakes (real seconds) and how
# many records it processes per hold of the account lock.
QUEUE_TICK_SECONDS = 0.05
QUEUE_CHUNK = 100

# ---------------------------------------------------------------------------------------------------
# Profiles, lists, unsubscribes, transactional email, data deletion, merge (§3.5-3.8, §6.3-6.10, §7)
# ---------------------------------------------------------------------------------------------------
# §3.5 profile 404s (mock decision texts; the vendor page copies the lists text for the id lookup)
ERR_PROFILE_NOT_FOUND = "Profile with specified ID was not found"
ERR_PROFILE_EMAIL_NOT_FOUND = "Profile with specified email was not found"
PROFILE_EMAIL_PARAM = "email"  # Profiles API lookup; an array of one (mock decision)
PROFILE_UPDATE_SINCE_PARAM = "updateSince"  # Profiles API
# §6.3 marketing opt-in values and precedence (§6.5)
OPTIN = "EXPLICITLY_OPTEDIN"
OPTOUT = "EXPLICITLY_OPTEDOUT"
OPTIN_NOT_SPECIFIED = "NOT_SPECIFIED"
# §5.1 control keys the profile and list rules observe (stripped before storing)
FORCE_OPTIN_KEY = "@force_optin"
ADD_TO_LISTS_KEY = "@add_to_lists"
REMOVE_FROM_LISTS_KEY = "@remove_from_lists"
# Contact output's derived profile id (§5.1, mock decision after a community client's model)
PROFILE_ID_KEY = "@profile_id"

# §3.6 / §6.7 / §7.2 lists
ERR_LIST_NOT_FOUND = "List with specified ID was not found"  # vendor text
LIST_MODE_PARAM = "mode"
LIST_MODES = ("active", "archived", "all")  # Lists API `mode`; default active
LIST_TYPES = ("STATIC", "DYNAMIC")  # Lists API `type`
LIST_STATUS_READY = "READY"  # vendor example; the mock never shows another status (mock decision)
LIST_SINCE_PARAM = "since"  # mock decision
LIST_ENTER = "list_enter"  # §7.3 (mock decision on the change shape)
LIST_EXIT = "list_exit"
# Rule model of omnisend.md §6.6, over profile fields (mock decision)
RULE_FIELD_OPS = ("eq", "neq", "in", "contains", "exists", "not_exists", "gt", "gte", "lt", "lte")
RULE_MATCH = ("all", "any")

# §3.7 / §7.4 unsubscribes
UNSUBSCRIBE_TYPES = ("preferences_centre", "app", "list_unsubscribe", "link_unsubscribe",
                     "stopword_unsubscribe_TF", "stopword_unsubscribe_DO")
UNSUB_SINCE_PARAM = "since"  # inclusive (Unsubscribe API)
UNSUB_BEFORE_PARAM = "before"  # exclusive (Unsubscribe API)
UNSUB_TYPE_PARAM = "type"

# §6.8 transactional email
PDF_MAGIC = b"%PDF-"  # vendor: attachments must be PDFs; one bad attachment fails the call
OUTBOX_TRANSACTIONAL = "transactional_email"  # outbox kind (mock decision)

# §6.9 data deletion (GDPR anonymisation)
ERR_DELETION_NOT_FOUND = "Data deletion request with specified ID was not found"  # mock decision text
DELETION_ACTION = "anonymise"  # GDPR object `action`
ANONYMOUS_DOMAIN = "@anonymous.ometria"  # vendor example: 32 hex characters before it (MD5: mock decision)
DELETION_SUMMARY = "{contacts} contact records anonymised, {events} events anonymised"  # vendor example wording
DELETION_ORIGIN_API = "api"  # GDPR object `source.origin`
OUTBOX_DATA_DELETION = "data_deletion"  # outbox kind (mock decision)
# Listing fields removed by anonymisation (the email is replaced by the hashed one)
ANONYMISED_LISTING_FIELDS = ("prefix", "firstname", "middlename", "lastname", "phone_number", "date_of_birth")

# §6.10 merge profiles
MERGE_ID_TYPES = ("customer_id", "email_address", "phone_number", "profile_hash")  # merge-profiles docs
MERGE_MAX_IDENTIFIERS = 5  # vendor: 1 to 5 identifiers to merge
MERGE_MAX_LISTINGS = 50  # vendor: at most 50 listings per merge
ERR_MERGE_PROFILE_NOT_FOUND = "Profile not found for {type} {value}"  # mock decision text
ERR_MERGE_TOO_MANY_LISTINGS = "Payload invalid: more than 50 listings to merge"  # mock decision text
