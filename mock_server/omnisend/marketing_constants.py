"""Numbers, names and messages of Omnisend's marketing resources (API 2026-03-15: segments, automations,
campaigns, email content, images, analytics, forms) and of the sandbox's side effects.

Sources: Omnisend's 2026-03-15 operation contracts and reference pages (api-docs.omnisend.com); section
numbers are those of our 2026-03-15 behaviour reference. "(mock decision)" marks a choice no source settles.
"""

from __future__ import annotations

# -- segments (§5.8) --------------------------------------------------------------------------------
SEGMENT_STATUSES = ("ready", "building", "archived")  # C-segments GetSegmentResponse.status
SEGMENT_NAME_MAX = 256  # C-segments CreateSegmentRequest.name.maxLength
# (mock decision) A written segment shows "building" for this many mock seconds, then "ready"; a brand's
# tenant.json settings.segmentBuildSeconds overrides it. 0 = ready at once (the documented 409s need > 0).
SEGMENT_BUILD_SECONDS = 0.0
ENTITIES = ("contact", "event")
JUNCTIONS = ("and", "or")
TEXT_PROPERTIES = ("email", "phoneNumber", "firstName", "lastName", "gender", "country", "state", "city",
                   "address", "postalCode", "lastDetectedCity", "lastDetectedCountry", "customerLifecycleStage")
LIST_PROPERTIES = ("tags", "consent")
NUMBER_PROPERTIES = ("averageOrderValue", "totalSpent")
DATE_PROPERTIES = ("dateAdded",)
OTHER_PROPERTIES = ("subscriptionStatus", "birthday", "custom")
CONTACT_PROPERTIES = (*TEXT_PROPERTIES, *LIST_PROPERTIES, *NUMBER_PROPERTIES, *DATE_PROPERTIES, *OTHER_PROPERTIES)
CUSTOM_VALUE_TYPES = ("text", "number", "bool", "date")
SUBSCRIPTION_CHANNELS = ("email", "sms", "browserPush")
# The reference lists the operators seen in the examples; the rest are the obvious counterparts (mock decision).
CONTACT_OPERATORS = ("equals", "notEquals", "contains", "doesNotContain", "startsWith", "endsWith", "anyOf",
                     "noneOf", "exists", "doesNotExist", "moreThan", "lessThan", "between", "inTheLast",
                     "notInTheLast", "before", "after", "anniversaryIsInTheNext")
EVENT_OPERATORS = ("has", "hasNot")
EVENT_COUNTS = ("atLeast", "equals")
PERIOD_OPERATORS = ("inTheLast", "notInTheLast", "equals", "before", "after", "between")
PERIOD_UNITS = {"days": 1, "weeks": 7, "months": 30, "years": 365}  # months/years as 30/365 days (mock decision)
# Events whose `paid for order` totals feed totalSpent / averageOrderValue (omnisend.md recommended events).
ORDER_EVENT = "placed order"
PAID_EVENT = "paid for order"

ERR_SEGMENT_NOT_FOUND = "Segment '{id}' not found."  # §2.1 example detail
ERR_SEGMENT_BUILDING_UPDATE = "Segment is currently being built and cannot be updated."  # C-segments 409
ERR_SEGMENT_BUILDING_DELETE = "Segment is being built and cannot be deleted."  # C-segments 409

# -- automations (§5.9) -----------------------------------------------------------------------------
BLOCK_TYPES = ("delay", "action", "split", "abTesting")
ACTION_TYPES = ("sendEmail", "sendSms", "sendPush", "sendWebhook", "addTag", "removeTag")
DELAY_MODES = ("duration", "immediate", "specificTime")
DELAY_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 604800, "M": 2592000}  # M = 30 days (mock decision)
FILTER_OPERATORS = ("eq", "neq", "gt", "gte", "lt", "lte", "contains", "notContains", "startsWith", "endsWith",
                    "exists", "notExists", "in", "notIn")
NUMERIC_OPERATORS = ("gt", "gte", "lt", "lte")
AUDIENCE_FIELDS = ("segmentID", "tag", "dateAdded", "firstName", "lastName", "country", "state", "city",
                   "postalCode", "gender")
MESSAGE_OPERATORS = ("openedEmail", "clickedEmail", "clickedSms", "openedPush", "clickedPush")
THRESHOLDS = ("subscribed", "nonSubscribed", "all")
LIMITER_MODES = ("once", "interval")
OVERLAP_MODES = ("currentlyIn", "recentlyIn")
DISABLE_MODES = ("keep", "exit")
TEMPORARY_ID_MAX = 36
WEBHOOK_URL_MAX = 2000
WEBHOOK_BODY_MAX = 65536
TRIGGER_SUBSCRIBED = "subscribed to marketing"
TRIGGER_ENTERED_SEGMENT = "entered segment"
TRIGGER_BIRTHDAY = "birthday"
TRIGGER_BACK_IN_STOCK = "product back in stock"
BUILT_IN_TRIGGERS = (TRIGGER_SUBSCRIBED, TRIGGER_ENTERED_SEGMENT, TRIGGER_BIRTHDAY, TRIGGER_BACK_IN_STOCK)
ERR_AUTOMATION_NOT_FOUND = "Automation workflow not found"  # C-automations 404
ERR_AUTOMATION_ENABLED = "Cannot update an enabled automation"  # C-automations PATCH 409
ERR_AUTOMATION_ENABLE = "Automation state prevents enabling"  # C-automations enable 409
ERR_ENROLL_CODE = "enroll-existing-not-applicable"  # D-AUTOM (mock decision: a code inside errors[])
ERR_BLOCK_NOT_FOUND = "Automation or block not found"  # C-automations block utm 404
ERR_TEST_EMAIL_BLOCK = "Block does not support test emails or has no saved content"  # C-automations 422
ERR_AUTOMATION_PAYMENT = "Payment is required to send emails"  # C-automations test-email 402
ERR_AUTOMATION_TEST_BLOCKED = "Brand state or suppressed recipients prevent sending"  # C-automations 409
UTM_SOURCE = "omnisend"  # UTM defaults from the contract examples (inferred)
UTM_MEDIUM = "email"
UTM_MAX = 250
TEST_RECIPIENTS_MAX = 5

# -- campaigns (§5.10) ------------------------------------------------------------------------------
CAMPAIGN_STATUSES = ("draft", "scheduled", "started", "sent", "error", "canceled", "paused", "onHold",
                     "expired", "stopped")
CAMPAIGN_TYPES = ("regular", "abTest", "booster")
CAMPAIGN_CHANNELS = ("email", "sms", "push")
SEND_CHANNELS = ("email", "sms")  # POST /campaigns/{id}/send: "email or SMS"
STRATEGIES = ("immediate", "scheduled", "personalized")
CANCELABLE = ("scheduled", "paused")
DEFAULT_LANGUAGE = "en_US"
CAMPAIGN_NAME_MAX = 250
CAMPAIGN_LIST_PARAMS = ("limit", "after", "before", "sort", "direction", "status", "channel", "type",
                        "parentCampaignID", "nameContains", "createdAtFrom", "createdAtTo", "updatedAtFrom",
                        "updatedAtTo")
ERR_CAMPAIGN_NOT_FOUND = "Campaign not found"
ERR_CAMPAIGN_MODIFY = "Campaign state does not allow modification"  # C-campaigns PATCH 409
ERR_CAMPAIGN_DELETE = "Campaign status does not allow deletion"  # C-campaigns DELETE 409
ERR_CAMPAIGN_SEND = "Campaign state does not allow sending or content is invalid"  # C-campaigns send 409
ERR_CAMPAIGN_PAYMENT = "Payment is required to send this campaign"  # C-campaigns send, test-email 402
ERR_CAMPAIGN_TEST_BLOCKED = ("Email sending is disabled, the sender domain is unverified, or every recipient is "
                             "suppressed")  # C-campaigns test-email 409
ERR_CAMPAIGN_CANCEL = "Campaign status does not allow canceling"  # C-campaigns cancel 409
ERR_CAMPAIGN_CHANNEL = "Campaign channel is not supported for this operation"  # C-campaigns 422
ERR_NOT_AB = "Campaign is not an A/B test"  # C-campaigns 422
ERR_AB_STOP = "Campaign status is not started"  # C-campaigns 409
ERR_AB_RESUME = "Campaign status is not stopped"  # C-campaigns 409
ERR_AB_WINNER = "Campaign status does not allow winner selection"  # C-campaigns 409
ERR_BOOSTER_EXISTS = "Booster already exists for this campaign"  # C-campaigns POST 409
ERR_BOOSTER_PARENT = "Parent campaign state does not allow a booster"  # C-campaigns POST 409
ERR_PARENT_NOT_FOUND = "Parent campaign not found"  # C-campaigns POST 404
ERR_TEMPLATE_MISSING = "Template not found"

# -- email templates, content, layouts (§5.11) -----------------------------------------------------
TEMPLATE_NAME_MAX = 255
ERR_TEMPLATE_NOT_FOUND = "Template not found"  # C-emailtemplates 404
ERR_CONTENT_NOT_FOUND = "Content not found"  # C-emailtemplates 404
ERR_CONTENT_LOCKED = "Content is locked and cannot be modified"  # C-emailtemplates 409
ERR_LAYOUT_NOT_FOUND = "Universal layout not found"  # C-emailtemplates 404
ERR_LIQUID = "Liquid syntax error in template"  # C-emailtemplates render 422
RENDER_MEMBER = "html"  # §7.2 q11 (mock decision): the render answer's member holding the HTML
# Personalisation tags as Omnisend writes them, e.g. [[contact.first_name | default: 'friend']]. Both the
# snake_case and the camelCase field name resolve (mock decision).
CONTACT_TAG_FIELDS = {"email": "email", "first_name": "firstName", "firstName": "firstName",
                      "last_name": "lastName", "lastName": "lastName", "phone": "phone",
                      "phone_number": "phone", "country": "country", "city": "city", "state": "state",
                      "address": "address", "postal_code": "postalCode", "postalCode": "postalCode",
                      "gender": "gender", "birthdate": "birthdate", "id": "contactID"}

# -- images (§5.12) ---------------------------------------------------------------------------------
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
IMAGE_MAX_BYTES = 5 * 1024 * 1024  # C-images: ≤5 MB
IMAGE_EXTENSIONS = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
                    "webp": "image/webp"}
IMAGE_PATH = "/_cdn/omnisend/images"  # (mock decision) where the sandbox serves uploaded files
ERR_IMAGE_NOT_FOUND = "Image not found"

# -- analytics (§5.14) ------------------------------------------------------------------------------
MAX_QUERIES = 4
METRICS = ("sent", "failed", "failRate", "markedAsSpamRate", "openedUnique", "openRate", "clickedUnique",
           "clickRate", "attributedRevenue", "attributedOrders")
REPORT_DIMENSIONS = ("timestamp", "marketingActivityID", "marketingActivityType", "messageChannel")
STATISTICS_DIMENSIONS = REPORT_DIMENSIONS
GRANULARITIES = {"hour": 3600, "day": 86400, "week": 7 * 86400, "month": 31 * 86400}
GRANULARITY_SPAN = {"hour": 7 * 86400, "day": 60 * 86400}  # third-party range limits (§5.14)
MAX_RANGE_SECONDS = 366 * 86400
INTERVALS = ("lastMonth", "last30Days", "last7Days", "today", "yesterday")
FILTER_OPS = ("in", "notIn")
ATTRIBUTION_SECONDS = 5 * 86400  # (mock decision) an order within 5 days of a message is attributed to it
OPENED_EVENT = "opened message"  # (mock decision) engagement is read from these events' messageID
CLICKED_EVENT = "clicked message"
SPAM_EVENT = "marked message as spam"

# -- forms (§5.15) ----------------------------------------------------------------------------------
FORM_DEVICES = ("desktop", "mobile", "tablet")
FORM_ACTIVITY = ("view", "interaction", "submit", "signup")
FORM_GRANULARITIES = ("hour", "day", "week", "month", "year")
FORMS_LIMIT = 250
ERR_FORM_NOT_FOUND = "Form not found"
ERR_GRANULARITY = "Granularity '{granularity}' is not allowed for the requested date range"

# -- outbox kinds (mock decision: one kind per step the sandbox carries out) -------------------------
OUT_EMAIL = "email"
OUT_SMS = "sms"
OUT_PUSH = "push"
OUT_WAIT = "wait"
OUT_TAG = "tag"
OUT_WEBHOOK = "webhook"
OUT_SPLIT = "split"
OUT_AUTOMATION = "automation"  # a contact entered / left / finished a flow

# -- webhooks (sendWebhook) -------------------------------------------------------------------------
WEBHOOK_TIMEOUT = 5.0  # issue 12: 5 s, no redirects followed
WEBHOOK_CONTENT_TYPE = "application/json"
WEBHOOK_USER_AGENT = "omnisend-mock-webhook/1"  # (mock decision)
