"""Helpers of the Open311 tests: the client's POST, and the GeoReport v2 JSON Schemas."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

import feedback.open311

BASE = "/open311/v2"
SCHEMAS = Path(feedback.open311.__file__).parent / "schemas"


def open311_post(client, key: str | None, headers: dict | None = None, query: str = "",
                 **overrides):
    """What an Open311 app posts: every field of the specification, media_url included."""
    data = {
        "api_key": key, "service_code": "permits", "lat": "11.310123456", "long": "106.098765",
        "address_string": "Đường 30/4, phường 1", "email": "lan@example.vn",
        "first_name": "Trần Thị", "last_name": "Lan", "phone": "+84 987 654 321",
        "description": "Ổ gà lớn giữa đường 30/4 gây nguy hiểm.\nCần sửa gấp.",
        "media_url": "http://169.254.169.254/latest/meta-data/", "device_id": "abc",
    }
    data.update(overrides)
    fmt = data.pop("fmt", "json")
    return client.post(f"{BASE}/requests.{fmt}{query}",
                       {k: v for k, v in data.items() if v is not None}, headers=headers or {})


@cache
def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(name: str, document: Any) -> list[str]:
    """Every way `document` breaks the schema `name`, as readable lines (none: it is valid)."""
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in validator(name).iter_errors(document)]
