"""Input of POST /v3/accounts (omnisend.md §3.9; fields after the official WordPress plugin)."""

from __future__ import annotations

from mock_server.core import schema as S
from mock_server.omnisend import constants as C

AccountSchema = S.BaseSchema.from_dict({name: S.Str() for name in C.ACCOUNT_INPUT_FIELDS}, name="AccountSchema")
