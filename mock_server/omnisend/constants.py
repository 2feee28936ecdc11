"""Every Omnisend number, header and message the mock uses, with where it comes from.

Section numbers refer to docs/omnisend.md (the behaviour the sandbox follows, in the project's own words;
Omnisend's public documentation: https://api-docs.omnisend.com/).
"""

from __future__ import annotations

VENDOR = "omnisend"
PREFIXES = ("/v3", "/v5", "/api")  # /api: version 2026-03-15 (mock_server/omnisend/v2026)
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
# List filters served by lookups (identity fields) and filter indexes (statuses) (core.collection).
ORDER_IDENTITY_FILTERS = ("email", "phone", "contactID", "cartID")
ORDER_STATUS_FILTERS = ("paymentStatus", "fulfillmentStatus")
CART_IDENTITY_FILTERS = ("email", "phone", "contactID")
IDENTIFIER_TYPES = ("email", "phone")
GENDERS = ("m", "f")
TAG_PATTERN = r"^[a-zA-Z0-9_\- ]{1,128}$"  # after wp-omnisend's validator (mock decision)
MAX_TAGS = 100
CUSTOM_PROPERTY_NAME = r"^[a-zA-Z0-9_]{1,128}$"

# §1.3 scope areas
SCOPE_AREAS = ("contacts", "products", "orders", "carts", "events", "campaigns", "brands",
               # 2026-03-15 marketing resources (omnisend-2026 §1.4)
               "segments", "automations", "email-templates", "images", "analytics", "forms")

# §6.7 workflows enabled by default
DEFAULT_WORKFLOWS = ("order confirmation", "welcome")

# ---------------------------------------------------------------------------------------------------
# Events, segments, batches, campaigns, brands (§3.6-3.9, §4, §5.6-5.11, §6.4-6.9)

# §3.6 / §6.5 v3 custom events
ERR_EVENT_NOT_FOUND = "Event with '{id}' eventID not found"  # mock decision
EVENT_FIELD_TYPES = ("string", "integer", "float", "boolean")  # §5.6 (mock decision)
MAX_EVENT_FIELDS = 100  # OAS3 events.json `fields.maxProperties`
# "<n> properties" extends the §1.5 array-size wording to objects (mock decision).
MSG_EVENT_FIELDS_SIZE = f"must contain between 0 and {MAX_EVENT_FIELDS} properties"
MSG_EMAIL_OR_PHONE = "email or phone is required"  # §1.5 one-of identity wording
MSG_FIELD_VALUE_TYPE = "invalid type, expected string, number or boolean"  # mock decision
WARN_FIELD_NOT_DEFINED = "not defined for this event; ignored"  # §6.5 (mock decision)

# §6.4 v5 events
MSG_CONTACT_IDENTITY = "email, phone or id is required"  # §6.4
WARN_EMAIL = "not a valid email address"  # §6.4 (mock decision)
WARN_NO_VERSION = "missing for a recommended event"  # §6.4 eventVersion (mock decision)
WARN_UNKNOWN_CONTACT_ID = "no contact with this id; no contact was created"  # §6.4 step 1 (mock decision)
WARN_TYPE = "expected {expected}, got {got}"  # §6.4 lenient checks
WARN_NOT_RECOMMENDED = "not one of the recommended values"  # §6.4
WARN_REMOVED = "field was removed"  # §6.4 lineItems[].productStrikeThroughPrice
OPT_CHANNELS = ("email", "sms")
# More than 60 s before the mock clock = historical; only historical events are deduplicated (§6.4).
HISTORICAL_AFTER_SECONDS = 60.0
ORDER_EVENTS = ("placed order", "paid for order", "order fulfilled", "order canceled", "order refunded")
CART_EVENTS = ("added product to cart", "started checkout")
PAID_FOR_ORDER = "paid for order"
WORKFLOW_ORDER_CONFIRMATION = "order confirmation"  # §6.7
PAYMENT_STATUSES = ("awaitingPayment", "partiallyPaid", "paid", "partiallyRefunded", "refunded", "voided")
FULFILLMENT_STATUSES = ("unfulfilled", "inProgress", "fulfilled", "delivered", "restocked")

# §6.6 segments (mock decision)
SEGMENT_FIELD_OPS = ("eq", "neq", "in", "contains", "exists", "not_exists", "gt", "gte", "lt", "lte")
SEGMENT_EVENT_OPS = ("count_gte", "count_eq")

# §3.7 / §4 / §5.7 / §6.8 batches
ERR_BATCH_NOT_FOUND = "Batch with '{id}' batchID not found"  # mock decision
ERR_ITEM_NOT_FOUND = "Item with '{id}' itemID not found"  # mock decision
MAX_BATCH_ITEMS = 1000  # vendor v3 docs ("up to 1,000"); a later v5 revision says 100
BATCH_RETENTION_SECONDS = 7 * 24 * 3600.0  # "Batch will be removed after 7 days" (OAS3 batches.json)
BATCH_STATUSES = ("pending", "inProgress", "finished", "stopped")  # OAS3 + `stopped` (mock decision)
ITEM_PENDING = "pending"  # an item not processed yet (mock decision)
ITEM_FINISHED = "finished"  # OAS3 example
ITEM_STOPPED = "stopped"  # an item left unprocessed by a stopped batch (mock decision)
# Allowed method x endpoint per API version (§3.7, §4; mock decision).
BATCH_METHODS_V3 = {"contacts": ("POST",), "orders": ("POST", "PUT"), "products": ("POST", "PUT"),
                    "events": ("POST",), "categories": ("POST", "PUT")}
BATCH_METHODS_V5 = {"products": ("POST", "PUT"), "contacts": ("POST",), "events": ("POST",),
                    "categories": ("POST", "PATCH")}
# Scope area per batch endpoint (§1.3).
BATCH_ENDPOINT_AREA = {"contacts": "contacts", "orders": "orders", "products": "products",
                       "categories": "products", "events": "events"}

# §3.8 / §5.8 / §6.9 campaigns
ERR_CAMPAIGN_NOT_FOUND = "Campaign with '{id}' campaignID not found"  # mock decision
ERR_CAMPAIGN_DELETE = "Only sent and draft campaigns can be deleted"  # mock decision
ERR_CAMPAIGN_START = "Campaign can be started only in draft or scheduled status"  # mock decision
ERR_CAMPAIGN_CONTACT_NOT_FOUND = "Contact with '{id}' contactID not found in campaign"  # mock decision
CAMPAIGN_STATUSES = ("draft", "paused", "scheduled", "inProgress", "sent")  # OAS3 campaigns.json
CAMPAIGN_TYPES = ("standart", "abTest")  # sic, OAS3 campaigns.json
CAMPAIGN_COUNTERS = ("sent", "opened", "clicked", "bounced", "complained", "unsubscribed")
CAMPAIGN_DELETABLE = ("sent", "draft")
CAMPAIGN_STARTABLE = ("draft", "scheduled")  # OAS3 campaigns.json

# §3.9 / §5.11 brands
ERR_BRAND_NOT_FOUND = "Brand with '{id}' brandID not found"  # mock decision
BRAND_FIELDS = ("brandID", "name", "website", "platform", "version", "currency", "timezone", "connected",
                "createdAt", "updatedAt")
ACCOUNT_INPUT_FIELDS = ("website", "platform", "version", "phpVersion", "platformVersion")
# Every recommended event name (vendor's "Recommended Customer Event Contracts"); eventVersion expected.
RECOMMENDED_EVENTS = (*ORDER_EVENTS, *CART_EVENTS, "ordered product", "viewed product")
# Catalog resources: products, categories, orders, carts (v3) and products, product-categories (v5).
# ---------------------------------------------------------------------------------------------------

# §1.6: recorded Content-Type of products, categories and GET /v3/orders (list). The v5 products and
# product-categories share it because they are the same resources (mock decision).
CT_CATALOG = CT_JSON_UTF8

# §6.1 path ID vs body ID (mock decision): the path wins, the body value is reported.
ID_DIFFERS = "differs from the path, path value used"
# §6.1 / §5.4 PATCH of an order: keys other than the listed ones are ignored (mock decision).
PATCH_IGNORED = "ignored, PATCH changes only trackingCode, courierTitle, courierUrl, paymentStatus, " \
    "fulfillmentStatus, canceledDate, cancelReason, cartID"
# §4 v5 product-categories: ``categoryId`` is an alias of ``categoryID`` (mock decision, wp-omnisend).
CATEGORY_ALIAS = "categoryId"
ALIAS_IGNORED = "ignored, categoryID used"

# §5.2 products (v3)
PRODUCT_STATUSES = ("inStock", "outOfStock", "notAvailable")  # OAS3 products.json enum
MAX_PRODUCT_IMAGES = 10  # OAS3 maxItems (the docs page says 20; mock decision: 10)
ERR_PRODUCT_EXISTS = "Product with '{id}' productID already exists"  # recorded (§7 #1)
ERR_PRODUCT_NOT_FOUND = "Product with ProductID `{id}` not found"  # recorded (§7 #2), backticks
ERR_PRODUCT_MISSING = "Product with '{id}' productID doesn't exist"  # recorded (§7 #3), PUT
ERR_PRODUCT_DELETE_MISSING = "product not found"  # recorded (§7 #4), 422 on DELETE

# §5.10 v5 products: field limits (vendor's v5 reference, put_products-productid)
V5_MAX_ID = 100
V5_MAX_TITLE = 255
V5_MAX_URL = 1000
V5_MAX_DESCRIPTION = 1000
V5_MAX_VENDOR = 100
V5_MAX_IMAGES = 300
V5_MAX_TAGS = 100
V5_MAX_VARIANTS = 500
V5_MAX_SKU = 255
V5_CURRENCY_PATTERN = r"^[A-Z]{3}$"  # 3 uppercase letters (mock decision)
V5_IMAGE_ID = "img-{n}"  # §5.10: v5 image URLs map to v3 imageIDs img-1, img-2, ... (mock decision)

# §5.3 categories (v3) and §4 product-categories (v5)
ERR_CATEGORY_EXISTS = "Category with categoryID '{id}' exists. Use PUT method to overwrite it."  # recorded (§7 #5)
ERR_CATEGORY_NOT_FOUND = "Category with '{id}' categoryID not found"  # recorded (§7 #6), 422 on GET
ERR_CATEGORY_MISSING = "Category with categoryID '{id}' doesn't exist"  # recorded (§7 #7, #8), 422
V5_MAX_CATEGORY_ID = 100  # §4: categoryID 1..100 chars
V5_MAX_CATEGORY_TITLE = 255  # §4: title <= 255

# §5.4 orders (v3)
DISCOUNT_TYPES = ("percentage", "fixedAmount", "freeShipping")
# OAS3 spells it "freeShippping"; accepted and stored as freeShipping (mock decision, §5.4).
DISCOUNT_TYPE_TYPO = "freeShippping"
ORDER_PATCH_FIELDS = ("trackingCode", "courierTitle", "courierUrl", "paymentStatus", "fulfillmentStatus",
                      "canceledDate", "cancelReason", "cartID")  # §3.4 / OAS3 PATCH body
ERR_ORDER_EXISTS = "Order with '{id}' orderID already exists"  # mock decision (§3.4)
ERR_ORDER_NOT_FOUND = "Order with '{id}' orderID not found"  # recorded (§7 #11)
ORDER_IDENTITY_REQUIRED = "email, phone or contactID is required"  # §1.5 one-of vocabulary

# §5.5 carts and cart products (v3)
ERR_CART_EXISTS = "Cart with '{id}' cartID already exists"  # mock decision (§3.5)
ERR_CART_NOT_FOUND = "Cart with '{id}' cartID not found"  # recorded (§7 #9)
# recorded (§7 #10): leading space and "*", trailing "; ", byte for byte
ERR_CART_PRODUCT_EXISTS = " *Product with cartProductID {id} already exists in the Cart; "
ERR_CART_PRODUCT_NOT_FOUND = "Product with cartProductID {id} not found in the Cart"  # mock decision (§3.5)
CART_IDENTITY_REQUIRED = "email or contactID is required"  # §3.5: phone alone is not enough

# ---------------------------------------------------------------------------------------------------
# Shared by the backend for API version 2026-03-15 (omnisend-2026.md); wire constants live in
# mock_server/omnisend/v2026/constants.py.
# §5.7 batches: POST or PUT on four endpoints (the contract's CreateBatchRequest enums).
BATCH_METHODS_V2026 = {"products": ("POST", "PUT"), "contacts": ("POST", "PUT"), "events": ("POST",),
                       "categories": ("POST", "PUT")}
# §5.3 event metadata (mock decisions for the wording)
ERR_METADATA_EXISTS = "Event '{name}' with origin '{origin}' already exists or collides with a global lexicon event."
ERR_METADATA_NOT_FOUND = "Event '{name}' with origin '{origin}' does not exist."
ERR_METADATA_TYPE = "Property '{name}' is already defined with type '{type}'."
