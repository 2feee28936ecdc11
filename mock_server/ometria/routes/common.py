"""Glue shared by the Ometria views."""

from __future__ import annotations

from mock_server.core.errors import ValidationFailed
from mock_server.core.paging import ListResult, ListSpec, parse_list_query, run_list
from mock_server.core.request import ctx, query_args, tenant
from mock_server.ometria.backend import Account
from mock_server.ometria.schemas import is_id


def account() -> Account:
    """Return the request's account."""
    return Account(ctx(), tenant())


def check_path_id(value: str, name: str = "id") -> str:
    """Ids in paths follow the id rule too (§1.7): 400 ``root > id: not a valid value``."""
    if not is_id(value):
        raise ValidationFailed([((name,), "not a valid value")])
    return value


def read_list(spec: ListSpec, collection: str) -> ListResult:
    """Parse limit/offset/orderby and read one page of ``collection``."""
    mock = ctx()
    query = parse_list_query(spec, query_args(), mock.codec)
    # Reading an unknown collection answers [] without creating it.
    state = tenant()
    found = state.find_collection(collection) or state.empty_collection(collection)
    return run_list(spec, found, query, mock.codec)
