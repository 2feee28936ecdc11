"""Categories, v3 (omnisend.md §3.3, §5.3) and v5 product-categories (§4): one store."""

from __future__ import annotations

from mock_server.core import schema as S
from mock_server.core.errors import Unprocessable
from mock_server.core.store import CollectionSpec
from mock_server.omnisend import constants as C
from mock_server.omnisend.backend import Brand, created_key, register_collection, register_seeder, updated_key
from mock_server.omnisend.backend.catalog import Record, Warn, check_body_id, no_warn
from mock_server.omnisend.v3.schemas.categories import CategoryCreateSchema


def title_key(record: Record) -> str | None:
    """Sort key: ``title``, compared by Unicode code point, case-sensitively (mock decision, §2.4)."""
    title = record.get("title")
    return title if isinstance(title, str) else None


COLLECTION = "categories"
register_collection(COLLECTION, CollectionSpec(sort_keys={"title": title_key, "createdAt": created_key,
                                                           "updatedAt": updated_key}))


def render(record: Record) -> Record:
    """``{"categoryID", "title", "createdAt", "updatedAt"}`` (recorded, §5.3)."""
    return {"categoryID": record["categoryID"], "title": record["title"], "createdAt": record["createdAt"],
            "updatedAt": record["updatedAt"]}


def _require(brand: Brand, category_id: str, message: str) -> Record:
    found = brand.col(COLLECTION).peek(category_id)
    if found is None:
        # Every missing category answers 422, never 404 (recorded, §7 #6-#8).
        raise Unprocessable(message.format(id=category_id))
    return found


def _build(brand: Brand, category_id: str, data: Record) -> Record:
    now = brand.now()
    return {"categoryID": category_id, "title": data["title"], "createdAt": data.get("createdAt") or now,
            "updatedAt": data.get("updatedAt") or now}


def create(brand: Brand, category_id: str, data: Record) -> Record:
    """POST: 200 ``{"categoryID"}``; 422 when it exists (recorded, §7 #5, #14)."""
    categories = brand.col(COLLECTION)
    if category_id in categories:
        raise Unprocessable(C.ERR_CATEGORY_EXISTS.format(id=category_id))
    categories.insert(category_id, _build(brand, category_id, data))
    return {"categoryID": category_id}


def get(brand: Brand, category_id: str) -> Record:
    """GET: the category, or 422 (recorded, §7 #6)."""
    return render(_require(brand, category_id, C.ERR_CATEGORY_NOT_FOUND))


def replace(brand: Brand, category_id: str, data: Record, warn: Warn = no_warn) -> Record:
    """PUT: replace; an omitted ``createdAt`` is reset to now (§3.3); never creates (422, §7 #7)."""
    _require(brand, category_id, C.ERR_CATEGORY_MISSING)
    check_body_id(data, ("categoryID", C.CATEGORY_ALIAS), category_id, warn)
    brand.col(COLLECTION).replace(category_id, _build(brand, category_id, data))
    return {"categoryID": category_id}


def patch(brand: Brand, category_id: str, data: Record, warn: Warn = no_warn) -> Record:
    """v5 PATCH: only the given fields change; ``updatedAt`` becomes now (mock decision)."""
    stored = _require(brand, category_id, C.ERR_CATEGORY_MISSING)
    check_body_id(data, ("categoryID", C.CATEGORY_ALIAS), category_id, warn)
    record = dict(stored)
    if "title" in data:
        record["title"] = data["title"]
    record["updatedAt"] = brand.now()
    brand.col(COLLECTION).replace(category_id, record)
    return {"categoryID": category_id}


def delete(brand: Brand, category_id: str) -> None:
    """DELETE: 204, or 422 (recorded, §7 #8)."""
    _require(brand, category_id, C.ERR_CATEGORY_MISSING)
    brand.col(COLLECTION).delete(category_id)


def v5_category_id(data: Record, warn: Warn = no_warn) -> str:
    """The id of a v5 POST: ``categoryID``, else its alias ``categoryId`` (wp-omnisend sends it, §4)."""
    if "categoryID" in data:
        alias = data.get(C.CATEGORY_ALIAS)
        if alias is not None and alias != data["categoryID"]:
            warn(C.CATEGORY_ALIAS, C.ALIAS_IGNORED)
        return str(data["categoryID"])
    return str(data[C.CATEGORY_ALIAS])


def _seed(brand: Brand, record: Record) -> None:
    """Fixture record: the v3 POST body, validated by the same schema (docs/omnisend-catalog.md)."""
    data = S.load(S.shared(CategoryCreateSchema), record)
    create(brand, data["categoryID"], data)


register_seeder("categories", _seed, order=20)
