"""``profiles.profile_keys`` (one pass, run on every contact push) owns exactly the keys the plain rule
gives: the non-empty string values of the listings, then of the orders' customers, e-mails lower-cased,
each once, first seen first."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.ometria.backend.profiles import _customer, _ordered_unique, _text, profile_keys

# Few distinct values (and case variants of the e-mails) so that repeats, empties and non-strings meet.
VALUES = st.one_of(st.sampled_from(["", "a", "b", "A@x.org", "a@X.org", "b@x.org", "+441"]), st.none(),
                   st.integers(0, 2), st.booleans(), st.lists(st.just("a"), max_size=1))
LISTING = st.dictionaries(st.sampled_from(["customer_id", "email", "phone_number", "firstname"]), VALUES)
CUSTOMER = st.one_of(st.dictionaries(st.sampled_from(["id", "email", "firstname"]), VALUES), VALUES)
ORDER = st.fixed_dictionaries({}, optional={"customer": CUSTOMER, "id": VALUES})


def plain_rule(listings: list[dict[str, Any]], orders: list[dict[str, Any]]) -> tuple[list[str], ...]:
    """The keys as refresh computed them before the one-pass version."""
    customer_ids: list[str] = []
    emails: list[str] = []
    phones: list[str] = []
    for listing in listings:
        if (cid := _text(listing.get("customer_id"))) is not None:
            customer_ids.append(cid)
        if (email := _text(listing.get("email"))) is not None:
            emails.append(email.lower())
        if (phone := _text(listing.get("phone_number"))) is not None:
            phones.append(phone)
    for order in orders:
        customer = _customer(order)
        if (cid := _text(customer.get("id"))) is not None:
            customer_ids.append(cid)
        if (email := _text(customer.get("email"))) is not None:
            emails.append(email.lower())
    return _ordered_unique(customer_ids), _ordered_unique(emails), _ordered_unique(phones)


@settings(max_examples=500, deadline=None)
@given(st.lists(LISTING, max_size=5), st.lists(ORDER, max_size=4))
def test_profile_keys_match_the_plain_rule(listings: list[dict[str, Any]], orders: list[dict[str, Any]]) -> None:
    assert profile_keys(listings, orders) == plain_rule(listings, orders)


def test_profile_keys_example() -> None:
    listings: list[dict[str, Any]] = [{"email": "A@x.org", "customer_id": "c1"},
                                      {"email": "a@X.org", "phone_number": "+441"}, {"email": "", "customer_id": 5}]
    orders: list[dict[str, Any]] = [{"customer": {"id": "c2", "email": "b@x.org"}}, {"customer": "no object"}, {}]
    assert profile_keys(listings, orders) == (["c1", "c2"], ["a@x.org", "b@x.org"], ["+441"])
