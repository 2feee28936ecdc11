"""The Redis key layout of the shared store and the encodings of what it keeps (see redisstore.tenants).

Per tenant, under ``mock:t:<vendor>:<tenant id>``:

- ``:gen``  the tenant's write generation (one per committed change set; from a random store epoch);
- ``:rec:<collection>``  a hash, record key -> 8-byte internal id + the pickled record;
- ``:meta``  a hash: ``config``, ``ids`` (the id generator's state), ``x:<name>`` (each ``tenant.extra``
  entry: queues, batches, outbox, counters), ``n:<collection>`` (the collection's next internal id),
  ``order`` (the collections' and the extra entries' names in the writer's order: a hash keeps no order,
  and every process lists a tenant's resources in the same order as the memory store does);
- ``:log``  a capped stream of change sets, entry id ``<generation>-1``;
- ``:seed:meta`` and ``:seed:rec:<collection>``  the seed image that a reset copies back;
- ``:lock``  the writers' lock (redis-py's Lock).

Global: ``mock:epoch`` (the answer cache's bump_all), ``mock:seeded`` / ``mock:seeding`` (the first
process seeds; the others wait for ``seeded`` and join).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

PREFIX = "mock:"
EPOCH = PREFIX + "epoch"
SEEDED = PREFIX + "seeded"
SEEDING = PREFIX + "seeding"
TenantKey = tuple[str, str]
Fields = dict[str, bytes]  # a meta hash: field name -> bytes


def tenant_prefix(tenant: TenantKey) -> str:
    """``mock:t:<vendor>:<tenant id>``."""
    return f"{PREFIX}t:{tenant[0]}:{tenant[1]}"


def dumps(value: Any) -> bytes:
    """Pickle (the highest protocol, as the records are)."""
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def loads(data: bytes) -> Any:
    """Unpickle what :func:`dumps` wrote (only ever data this sandbox wrote to its own store)."""
    return pickle.loads(data)


def pack(iid: int, blob: bytes) -> bytes:
    """A record entry: the internal id (8 bytes, big-endian) then the encoded record."""
    return iid.to_bytes(8, "big") + blob


def unpack(value: bytes) -> tuple[int, bytes]:
    """The inverse of :func:`pack`."""
    return int.from_bytes(value[:8], "big"), value[8:]


ORDER = "order"


def meta_fields(config: Any, extra: Mapping[str, Any], ids_state: Any,
                next_iids: Mapping[str, int]) -> Fields:
    """A tenant's settings and non-record state as meta hash fields."""
    fields = {"config": dumps(config), "ids": dumps(ids_state), ORDER: dumps((tuple(next_iids), tuple(extra)))}
    for name, value in extra.items():
        fields["x:" + name] = dumps(value)
    for name, next_iid in next_iids.items():
        fields["n:" + name] = str(next_iid).encode()
    return fields


def collections_of(fields: Mapping[str, bytes] | Mapping[bytes, bytes]) -> Iterator[tuple[str, int]]:
    """The ``(collection, next internal id)`` pairs a meta hash names."""
    for field, value in fields.items():
        name = field.decode() if isinstance(field, bytes) else field
        if name.startswith("n:"):
            yield name[2:], int(value)


def snapshot_from(meta: Mapping[bytes, bytes], records: Mapping[str, Mapping[bytes, bytes]]) -> dict[str, Any]:
    """A ``TenantState.snapshot()``-shaped dict from a meta hash and the record hashes (Redis replies)."""
    extra: dict[str, Any] = {}
    for field, value in meta.items():
        name = field.decode()
        if name.startswith("x:"):
            extra[name[2:]] = pickle.loads(value)
    collections = {}
    for name, next_iid in collections_of(meta):
        entries = [(*unpack(v), k.decode()) for k, v in records.get(name, {}).items()]
        entries.sort()
        collections[name] = {"next_iid": next_iid, "records": {iid: (key, blob) for iid, blob, key in entries}}
    order = meta.get(ORDER.encode())
    if order is not None:
        names, extra_names = pickle.loads(order)
        reorder(collections, names)
        reorder(extra, extra_names)
    return {"config": pickle.loads(meta[b"config"]), "collections": collections, "extra": extra,
            "ids": pickle.loads(meta[b"ids"])}


def reorder(mapping: dict[str, Any], names: Sequence[str]) -> None:
    """Put ``mapping``'s keys in the order ``names`` gives (in place; keys it does not name go last, in the
    order they had)."""
    current = list(mapping)
    listed = set(names)
    wanted = [name for name in names if name in mapping] + [name for name in current if name not in listed]
    if wanted != current:
        items = [(name, mapping.pop(name)) for name in wanted]
        mapping.update(items)


def fields_from_snapshot(snap: Mapping[str, Any]) -> Fields:
    """The meta fields of a ``TenantState.snapshot()``."""
    return meta_fields(snap["config"], snap["extra"], snap["ids"],
                       {name: dumped["next_iid"] for name, dumped in snap["collections"].items()})
