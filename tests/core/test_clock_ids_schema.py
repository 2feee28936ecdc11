"""Clock, id generator and the shared schema vocabulary."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from marshmallow import Schema

from mock_server.core import schema as S
from mock_server.core.clock import Clock, iso_ms, parse_date, parse_datetime
from mock_server.core.errors import ValidationFailed
from mock_server.core.ids import IdGenerator

START = datetime(2026, 1, 1, tzinfo=UTC)


def test_frozen_clock_moves_only_when_advanced() -> None:
    clock = Clock(START, frozen=True)
    assert clock.now() == START and clock.frozen
    clock.advance(1.5)
    assert clock.time() == START.timestamp() + 1.5
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_freeze_resume_and_set() -> None:
    clock = Clock(START)
    clock.freeze(datetime(2030, 5, 1, tzinfo=UTC))
    assert clock.now().year == 2030
    clock.resume()
    assert not clock.frozen and clock.now() >= datetime(2030, 5, 1, tzinfo=UTC)
    clock.set(START)
    assert clock.now() - START < (datetime(2026, 1, 1, 0, 1, tzinfo=UTC) - START)


def test_timestamp_format_has_milliseconds_and_z() -> None:
    assert iso_ms(datetime(2024, 5, 9, 14, 15, 36, 417999, tzinfo=UTC)) == "2024-05-09T14:15:36.417Z"


@pytest.mark.parametrize(("text", "ok"), [("2024-05-09T14:15:36Z", True), ("2024-05-09T14:15:36.5+02:00", True),
                                          ("2024-05-09 14:15:36+00:00", True), ("2024-05-09", False),
                                          ("yesterday", False), ("2024-13-09T00:00:00Z", False)])
def test_parse_datetime(text: str, ok: bool) -> None:
    assert (parse_datetime(text) is not None) is ok


def test_parse_date() -> None:
    assert parse_date("2024-02-29") == datetime(2024, 2, 29, tzinfo=UTC)
    assert parse_date("2023-02-29") is None


def test_seeded_ids_are_reproducible_and_derived_streams_independent() -> None:
    a, b = IdGenerator(7), IdGenerator(7)
    assert [a.hex() for _ in range(3)] == [b.hex() for _ in range(3)]
    assert len(a.hex()) == 24 and all(c in "0123456789abcdef" for c in a.hex())
    assert a.derive("x").uuid4() == b.derive("x").uuid4() != a.derive("y").uuid4()
    assert a.uuid4()[14] == "4"
    assert IdGenerator().hex() != IdGenerator().hex()


class Inner(S.BaseSchema):
    kind = S.Str(required=True, validate=S.one_of(["a", "b"]))


class Outer(S.BaseSchema):
    items = S.List(S.Nested(Inner), validate=S.length(1, 2, items=True))
    count = S.Int()
    price = S.Num(validate=S.at_least(0))
    flag = S.Bool()
    when = S.DateTimeStr()
    day = S.DateStr()
    email = S.EmailStr()
    url = S.UriStr()
    code = S.Str(validate=S.length(2, 2))


def problems(schema: Schema, data: object) -> list[tuple[tuple[str | int, ...], str]]:
    with pytest.raises(ValidationFailed) as exc:
        S.load(schema, data)
    return exc.value.problems


def test_vocabulary_and_order() -> None:
    found = problems(Outer(), {"items": [{"kind": "c"}, {}], "count": True, "price": -1, "flag": "true",
                               "when": "soon", "day": "2024-1-1", "email": "x", "url": "nope", "code": "GBR",
                               "ignored": 1})
    assert found == [
        (("code",), "length must be between 2 and 2"),
        (("count",), "invalid type, expected integer"),
        (("day",), "invalid format, expected YYYY-MM-DD"),
        (("email",), "invalid format, expected email"),
        (("flag",), "invalid type, expected boolean"),
        (("items", 0, "kind"), "invalid value, allowed values: a, b"),
        (("items", 1, "kind"), "field required but not found in Json"),
        (("price",), "must be >= 0"),
        (("url",), "invalid format, expected URI"),
        (("when",), "invalid format, expected RFC 3339 date-time"),
    ]


def test_numeric_indexes_sort_numerically() -> None:
    class Many(S.BaseSchema):
        items = S.List(S.Nested(Inner))

    found = problems(Many(), {"items": [{"kind": "a"}] * 2 + [{}] * 10})
    assert [p[0][1] for p in found] == list(range(2, 12))


def test_non_object_bodies_and_wrong_container_types() -> None:
    assert problems(Outer(), [1]) == [((), "invalid type, expected object")]
    assert problems(Outer(), {"items": {}}) == [(("items",), "invalid type, expected array")]
    assert problems(Outer(), {"items": [5]}) == [(("items", 0), "invalid type, expected object")]
    assert problems(Outer(), {"items": []}) == [(("items",), "must contain between 1 and 2 items")]


def test_map_errors_name_the_entry_and_nested_value_fields_keep_their_step() -> None:
    class Condition(S.BaseSchema):
        value = S.Int(required=True)
        key = S.Str()

    class Doc(S.BaseSchema):
        props = S.Map(keys=S.Str(validate=S.matches("^[a-z]+$", "invalid name")), values=S.Int())
        conditions = S.List(S.Nested(Condition))

    found = problems(Doc(), {"props": {"Bad": "x"}, "conditions": [{"value": "x", "key": 1}]})
    assert found == [(("conditions", 0, "key"), "invalid type, expected string"),
                     (("conditions", 0, "value"), "invalid type, expected integer"),
                     (("props", "Bad"), "invalid name"),
                     (("props", "Bad"), "invalid type, expected integer")]


def test_uuid4_is_the_standard_library_rendering_of_the_same_bits() -> None:
    import random
    import uuid

    ids, bits = IdGenerator(7), random.Random(7)
    for _ in range(2000):
        text = ids.uuid4()
        assert text == str(uuid.UUID(int=bits.getrandbits(128), version=4))
        assert uuid.UUID(text).version == 4 and uuid.UUID(text).variant == uuid.RFC_4122
