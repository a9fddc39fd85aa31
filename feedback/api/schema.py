"""The OpenAPI 3.1 description of the JSON API, written by hand to match feedback/api/urls.py.

tests/api checks that every /api/v1 route is described here and that the answers match.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}

_ERRORS = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "object",
            "description": "Field name (or __all__) → translated messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        }
    },
}

_TIMELINE = {
    "type": "array",
    "items": {
        "type": "object", "required": ["at", "label"],
        "properties": {"at": {"type": "string", "format": "date-time"},
                       "label": {"type": "string"}},
    },
}

_SCHEMAS: dict[str, Any] = {
    "Errors": _ERRORS,
    "Timeline": _TIMELINE,
    "Receipt": {
        "type": "object", "required": ["code", "state", "state_label", "received_at"],
        "properties": {
            "code": {"type": "string", "description": "Tracking code, e.g. 7KQ2M-4XH9P."},
            "state": {"type": "string"}, "state_label": {"type": "string"},
            "received_at": {"type": "string", "format": "date-time"},
        },
    },
    "TrackedCase": {
        "type": "object",
        "required": ["code", "state", "title", "content", "received_at", "reply", "timeline",
                     "comments", "can_comment", "can_rate", "rating"],
        "properties": {
            "code": {"type": "string"}, "state": {"type": "string"},
            "is_confidential": {"type": "boolean"},
            "title": {"type": "string"}, "content": {"type": "string"},
            "location_text": {"type": "string"},
            "received_at": {"type": "string", "format": "date-time"},
            "published_at": NULLABLE_TIME, "reply": {"type": "string"},
            "timeline": {"$ref": "#/components/schemas/Timeline"},
            "comments": {"type": "array", "items": {
                "type": "object", "required": ["at", "author", "body", "is_reporter"],
                "properties": {"at": {"type": "string", "format": "date-time"},
                               "author": {"type": "string"}, "body": {"type": "string"},
                               "is_reporter": {"type": "boolean"}}}},
            "photo_count": {"type": "integer"},
            "can_comment": {"type": "boolean"}, "can_rate": {"type": "boolean"},
            "rating": {"type": "string"},
        },
    },
    "Answer": {
        "type": "object",
        "required": ["id", "title", "content", "category", "published_at", "reply", "units",
                     "url"],
        "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"},
            "content": {"type": "string"}, "location_text": {"type": "string"},
            "category": {"type": "string"}, "area": {"type": "string"},
            "received_at": {"type": "string", "format": "date-time"},
            "published_at": NULLABLE_TIME, "reply": {"type": "string"},
            "units": {"type": "array", "items": {"type": "string"}},
            "url": {"type": "string", "format": "uri"},
            "timeline": {"$ref": "#/components/schemas/Timeline"},
        },
    },
    "AnswerPage": {
        "type": "object", "required": ["count", "page", "pages", "results"],
        "properties": {
            "count": {"type": "integer"}, "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Answer"}},
        },
    },
    "Category": {
        "type": "object", "required": ["code", "name"],
        "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
    },
    "Submission": {
        "type": "object",
        "required": ["title", "content", "reporter_name", "reporter_phone", "reporter_email",
                     "consent"],
        "properties": {
            "title": {"type": "string", "maxLength": 255},
            "content": {"type": "string", "maxLength": 10000,
                        "description": "In Vietnamese with diacritics (Art. 6.1)."},
            "category": {"type": "string", "description": "A category code (GET /categories)."},
            "location_text": {"type": "string", "maxLength": 255},
            "latitude": {"type": "number", "minimum": -90, "maximum": 90},
            "longitude": {"type": "number", "minimum": -180, "maximum": 180},
            "occurred_at": {"type": "string", "format": "date-time"},
            "reporter_name": {"type": "string", "maxLength": 200},
            "reporter_phone": {"type": "string", "maxLength": 20,
                               "description": "A Vietnamese phone number."},
            "reporter_email": {"type": "string", "format": "email", "maxLength": 254},
            "reporter_address": {"type": "string", "maxLength": 255},
            "is_confidential": {"type": "boolean"},
            "consent": {"type": "boolean", "description": "The privacy notice was shown and "
                        "accepted (SECURITY DP2)."},
            "photos": {"type": "array", "maxItems": 5,
                       "items": {"type": "string", "contentMediaType": "image/*",
                                 "contentEncoding": "binary"},
                       "description": "JPEG, PNG or WebP, at most 10 MB each; multipart only."},
            "photo_tokens": {"type": "array", "maxItems": 5, "uniqueItems": True,
                             "items": {"type": "string", "pattern": "^[A-Za-z0-9_-]{20,64}$"},
                             "description": "Tokens of photos sent before (POST /uploads) "
                                            "with the same API key; each used once. At most "
                                            "5 photos in all."},
        },
    },
    "Upload": {
        "type": "object", "required": ["photo"],
        "properties": {"photo": {"type": "string", "contentMediaType": "image/*",
                                 "contentEncoding": "binary",
                                 "description": "JPEG, PNG or WebP, at most 10 MB."}},
    },
    "UploadReceipt": {
        "type": "object",
        "required": ["token", "expires_at", "content_type", "size", "width", "height"],
        "properties": {
            "token": {"type": "string", "description": "Name it in photo_tokens."},
            "expires_at": {"type": "string", "format": "date-time"},
            "content_type": {"type": "string", "enum": ["image/jpeg", "image/png"],
                             "description": "Of the re-encoded photo, without metadata."},
            "size": {"type": "integer"}, "width": {"type": "integer"},
            "height": {"type": "integer"},
        },
    },
    "ReporterCheck": {
        "type": "object", "required": ["phone"],
        "properties": {"phone": {"type": "string", "maxLength": 20,
                                 "description": "The phone given with the feedback."}},
    },
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _body(schema: dict, *, multipart: bool = False) -> dict:
    content = {"application/json": {"schema": schema},
               "application/x-www-form-urlencoded": {"schema": schema}}
    if multipart:
        content["multipart/form-data"] = {"schema": schema}
    return {"required": True, "content": content}


def _errors(*codes: int) -> dict:
    texts = {400: "Invalid input", 403: "Missing or unknown API key", 404: "Not found",
             409: "Idempotency-Key reused for another submission",
             415: "Not a multipart/form-data body", 429: "Too many attempts"}
    return {str(code): _json("Errors", texts[code]) for code in codes}


_CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
         "description": "The tracking code."}


def _reporter_action(extra: dict, required: list[str], summary: str) -> dict:
    schema = {"allOf": [_ref("ReporterCheck"),
                        {"type": "object", "required": required, "properties": extra}]}
    return {"post": {
        "summary": summary, "parameters": [_CODE], "requestBody": _body(schema),
        "responses": {"201": _json("TrackedCase", "Done; the case as the reporter sees it"),
                      **_errors(400, 404, 429)},
    }}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


_PATHS: dict[str, Any] = {
    "/api/v1/openapi.json": {"get": {
        "summary": "This document",
        "responses": {"200": {"description": "OpenAPI 3.1",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }},
    "/api/v1/cases": {"post": {
        "summary": "Submit feedback (Art. 6), with photos",
        "security": [{"apiKey": []}],
        "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                        "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{16,64}$"},
                        "description": "A retry with the same key returns the first case."}],
        "requestBody": _body(_ref("Submission"), multipart=True),
        "responses": {"201": _json("Receipt", "Received"),
                      "200": _json("Receipt", "A repeat of an earlier submission"),
                      **_errors(400, 403, 409, 429)},
    }},
    "/api/v1/uploads": {"post": {
        "summary": "Send one photo ahead of its submission; get a short-lived token",
        "security": [{"apiKey": []}],
        "requestBody": {"required": True, "content": {
            "multipart/form-data": {"schema": _ref("Upload")}}},
        "responses": {"201": _json("UploadReceipt", "Held until expires_at"),
                      **_errors(400, 403, 415, 429)},
    }},
    "/api/v1/track": {"post": {
        "summary": "Follow feedback by tracking code and phone",
        "requestBody": _body({"allOf": [_ref("ReporterCheck"), {
            "type": "object", "required": ["code"],
            "properties": {"code": {"type": "string", "maxLength": 32}}}]}),
        "responses": {"200": _json("TrackedCase", "The case as the reporter sees it"),
                      **_errors(400, 404, 429)},
    }},
    "/api/v1/cases/{code}/rating": _reporter_action(
        {"value": {"enum": ["satisfied", "accepted", "unsatisfied"]},
         "note": {"type": "string", "maxLength": 2000}},
        ["value"], "Rate the published result (Art. 11.3)"),
    "/api/v1/cases/{code}/comments": _reporter_action(
        {"body": {"type": "string", "maxLength": 5000}},
        ["body"], "Ask about the published result (Art. 11.1)"),
    "/api/v1/answers": {"get": {
        "summary": "Published answers, newest first",
        "parameters": [
            _query("q", {"type": "string", "maxLength": 200}, "Words; diacritics optional."),
            _query("category", {"type": "string"}, "A category code."),
            _query("unit", {"type": "string"}, "A handling unit's code."),
            _query("area", {"type": "string"}, "An area's code."),
            _query("published_from", {"type": "string", "format": "date"}, "YYYY-MM-DD"),
            _query("published_to", {"type": "string", "format": "date"}, "YYYY-MM-DD"),
            _query("page", {"type": "integer", "minimum": 1}, "Page number (20 a page)."),
        ],
        "responses": {"200": _json("AnswerPage", "One page"), **_errors(400)},
    }},
    "/api/v1/answers/{pk}": {"get": {
        "summary": "One published answer with its timeline",
        "parameters": [{"name": "pk", "in": "path", "required": True,
                        "schema": {"type": "integer"}}],
        "responses": {"200": _json("Answer", "The answer"), **_errors(404)},
    }},
    "/api/v1/categories": {"get": {
        "summary": "Active categories",
        "responses": {"200": {"description": "Categories", "content": {"application/json": {
            "schema": {"type": "array", "items": _ref("Category")}}}}},
    }},
}


def openapi_document(server_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Cổng 1022 API", "version": "1.0.0",
                 "description": "Feedback and petitions to the province: submit, follow, "
                                "rate, and read published answers."},
        "servers": [{"url": server_url.rstrip("/") or "/"}],
        "paths": deepcopy(_PATHS),
        "components": {
            "schemas": deepcopy(_SCHEMAS),
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header",
                                           "name": "X-Api-Key"}},
        },
    }
