"""The OpenAPI 3.1 description of the JSON API, written by hand to match feedback/api/urls.py.

tests/api checks that every /api/v1 route is described here and that the answers match.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

from workflow.models import Case

from .forms import (
    DATE_PATTERN,
    MAX_PAGE,
    PHONE_PATTERN,
    REQUIRED_TEXT_PATTERN,
    TEXT_PATTERN,
    UPLOAD_TOKEN_PATTERN,
)

NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
STATE = {"type": "string", "enum": list(Case.State.values),
         "description": "The machine value; `state_label` is what a person reads."}


def _text(max_length: int, *, required: bool = False, **extra: Any) -> dict:
    return {"type": "string", "maxLength": max_length,
            "pattern": REQUIRED_TEXT_PATTERN if required else TEXT_PATTERN, **extra}


PHONE = {"type": "string", "maxLength": 20, "pattern": PHONE_PATTERN,
         "description": "A Vietnamese phone number, e.g. 0912 345 678 or +84912345678."}


@dataclass(frozen=True)
class DocumentCodes:
    """The codes the API takes today: the document lists them, so a client (and a test
    generator) knows which values a `category`, `unit` or `area` may hold."""

    categories: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)  # the areas a submission may name


def _code(codes: list[str], description: str) -> dict:
    # An empty enum is no valid JSON Schema: with no such rows yet, no value is valid.
    return {"type": "string", "enum": codes, "description": description} if codes \
        else {"not": {}, "description": description}

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
            "state": STATE, "state_label": {"type": "string"},
            "received_at": {"type": "string", "format": "date-time"},
        },
    },
    "TrackedCase": {
        "type": "object",
        "required": ["code", "state", "state_label", "title", "content", "received_at", "reply",
                     "timeline", "comments", "can_comment", "can_rate", "rating"],
        "properties": {
            "code": {"type": "string"}, "state": STATE, "state_label": {"type": "string"},
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
    "Unit": {
        "type": "object", "required": ["code", "name", "kind", "area"],
        "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                       "kind": {"type": "string"},
                       "area": {"type": ["string", "null"], "description": "An area code."}},
    },
    "Area": {
        "type": "object", "required": ["code", "name", "level", "parent"],
        "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                       "level": {"type": "string", "enum": ["province", "district", "commune"]},
                       "parent": {"type": ["string", "null"],
                                  "description": "The code of the area it lies in."}},
    },
    "Submission": {
        "type": "object",
        "required": ["title", "content", "reporter_name", "reporter_phone", "reporter_email",
                     "consent"],
        "properties": {
            "title": _text(255, required=True),
            "content": _text(10_000, required=True,
                             description="In Vietnamese with diacritics (Art. 6.1)."),
            "category": {"type": "string", "description": "A category code (GET /categories)."},
            "location_text": _text(255),
            "latitude": {"type": "number", "minimum": -90, "maximum": 90},
            "longitude": {"type": "number", "minimum": -180, "maximum": 180},
            "occurred_at": {"type": "string", "format": "date-time",
                            "description": "RFC 3339; not in the future, not before 1900."},
            "reporter_name": _text(200, required=True),
            "reporter_phone": PHONE,
            "reporter_email": {"type": "string", "format": "email", "maxLength": 254},
            "reporter_address": _text(255),
            "is_confidential": {"type": "boolean"},
            "consent": {"const": True, "description": "The privacy notice was shown and "
                        "accepted (SECURITY DP2)."},
            "sms_updates": {"type": "boolean", "description": "The reporter's answer to "
                            "\"Send me SMS updates\": false means no SMS at all, not even the "
                            "tracking code. Left out: not asked, told on every channel given."},
            "email_updates": {"type": "boolean", "description": "The same for e-mail."},
            "photo_tokens": {"type": "array", "maxItems": 5, "uniqueItems": True,
                             "items": {"type": "string", "pattern": UPLOAD_TOKEN_PATTERN},
                             "description": "Tokens of photos sent before (POST /uploads) "
                                            "with the same API key; each used once. At most "
                                            "5 photos in all."},
        },
    },
    "SubmissionPhotos": {
        "type": "object",
        "properties": {
            "photos": {"type": "array", "maxItems": 5,
                       "items": {"type": "string", "format": "binary",
                                 "contentMediaType": "image/*"},
                       "description": "JPEG, PNG or WebP, at most 10 MB each."},
        },
    },
    "NoPhotos": {
        "type": "object",
        "properties": {
            "photos": {"type": "array", "maxItems": 0,
                       "description": "Photos travel in multipart/form-data, or ahead "
                                      "(POST /uploads, then photo_tokens)."},
        },
    },
    "Upload": {
        "type": "object", "required": ["photo"],
        "properties": {"photo": {"type": "string", "format": "binary",
                                 "contentMediaType": "image/*",
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
        "properties": {"phone": {**PHONE, "description": "The phone given with the feedback."}},
    },
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


PHOTO_TYPES = "image/jpeg, image/png, image/webp"


def _file_part(name: str) -> dict:
    # A part without a file name is a plain field to a multipart parser, not a file.
    return {"contentType": PHOTO_TYPES, "headers": {"Content-Disposition": {
        "schema": {"type": "string"},
        "example": f'form-data; name="{name}"; filename="photo.jpg"'}}}


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema},
                                          "application/x-www-form-urlencoded": {"schema": schema}}}


def _submission_body() -> dict:
    body = _body({"allOf": [_ref("Submission"), _ref("NoPhotos")]})
    body["content"]["multipart/form-data"] = {
        "schema": _ref("SubmissionWithPhotos"),
        "encoding": {"photos": _file_part("photos")},
    }
    return body


def _errors(*codes: int) -> dict:
    texts = {400: "Invalid input", 403: "Missing or unknown API key", 404: "Not found",
             405: "Method not allowed",
             409: "Idempotency-Key reused for another submission",
             415: "Not a multipart/form-data body",
             422: "Well-formed, yet not possible: occurred_at in the future or before "
                  "1900, an upload token that is unknown, expired, used or another key's, "
                  "or more than 5 photos in all",
             429: "Too many attempts"}
    return {str(code): _json("Errors", texts[code]) for code in codes}


_CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
         "description": "The tracking code."}
_PAGE = {"name": "page", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
         "description": "Page number; past the last page: 404."}


def _reporter_action(extra: dict, required: list[str], summary: str) -> dict:
    schema = {"allOf": [_ref("ReporterCheck"),
                        {"type": "object", "required": required, "properties": extra}]}
    return {"post": {
        "summary": summary, "parameters": [_CODE], "requestBody": _body(schema),
        "responses": {"201": _json("TrackedCase", "Done; the case as the reporter sees it"),
                      "409": _json("Errors", "The case's state does not allow it (not yet "
                                             "published, already rated)"),
                      **_errors(400, 404, 429)},
    }}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


def _code_list(schema: str, summary: str, description: str) -> dict:
    page = {"type": "object", "required": ["count", "page", "pages", "results"],
            "properties": {"count": {"type": "integer"}, "page": {"type": "integer"},
                           "pages": {"type": "integer"},
                           "results": {"type": "array", "items": _ref(schema)}}}
    return {"get": {
        "summary": summary, "description": description, "parameters": [_PAGE],
        "responses": {"200": {"description": "One page (100 a page)",
                              "content": {"application/json": {"schema": page}}},
                      **_errors(400, 404)},
    }}


def _paths(codes: DocumentCodes) -> dict[str, Any]:
    submission = _submission_body()
    return {
        "/api/v1/openapi.json": {"get": {
            "summary": "This document",
            "responses": {"200": {"description": "OpenAPI 3.1", "content": {
                "application/json": {"schema": {"type": "object"}}}}},
        }},
        "/api/v1/cases": {"post": {
            "summary": "Submit feedback (Art. 6), with photos",
            "security": [{"apiKey": []}],
            "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                            "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{16,64}$"},
                            "description": "A retry with the same key returns the first case."}],
            "requestBody": submission,
            "responses": {"201": _json("Receipt", "Received"),
                          "200": _json("Receipt", "A repeat of an earlier submission"),
                          **_errors(400, 403, 409, 422, 429)},
        }},
        "/api/v1/uploads": {"post": {
            "summary": "Send one photo ahead of its submission; get a short-lived token",
            "security": [{"apiKey": []}],
            "requestBody": {"required": True, "content": {"multipart/form-data": {
                "schema": _ref("Upload"), "encoding": {"photo": _file_part("photo")}}}},
            "responses": {"201": _json("UploadReceipt", "Held until expires_at"),
                          **_errors(400, 403, 415, 429)},
        }},
        "/api/v1/track": {"post": {
            "summary": "Follow feedback by tracking code and phone",
            "requestBody": _body({"allOf": [_ref("ReporterCheck"), {
                "type": "object", "required": ["code"],
                "properties": {"code": {"type": "string", "minLength": 1, "maxLength": 32,
                                        "pattern": TEXT_PATTERN}}}]}),
            "responses": {"200": _json("TrackedCase", "The case as the reporter sees it"),
                          **_errors(400, 404, 429)},
        }},
        "/api/v1/cases/{code}/rating": _reporter_action(
            {"value": {"enum": ["satisfied", "accepted", "unsatisfied"]},
             "note": _text(2000)},
            ["value"], "Rate the published result (Art. 11.3)"),
        "/api/v1/cases/{code}/comments": _reporter_action(
            {"body": _text(5000, required=True)},
            ["body"], "Ask about the published result (Art. 11.1)"),
        "/api/v1/answers": {"get": {
            "summary": "Published answers, newest first",
            "description": "A parameter given must hold a value: leave it out for no filter.",
            "parameters": [
                _query("q", _text(200), "Words; diacritics optional."),
                _query("category", _code(codes.categories, "A category code (GET "
                                         "/categories)."), "A category code."),
                _query("unit", _code(codes.units, "A unit code (GET /units)."),
                       "A handling unit's code."),
                _query("area", _code(codes.areas, "An area code (GET /areas)."),
                       "An area's code."),
                _query("published_from", {"type": "string", "format": "date",
                                          "pattern": DATE_PATTERN}, "YYYY-MM-DD"),
                _query("published_to", {"type": "string", "format": "date",
                                        "pattern": DATE_PATTERN}, "YYYY-MM-DD"),
                {**_PAGE, "description": "Page number (20 a page); past the last page: 404."},
            ],
            "responses": {"200": _json("AnswerPage", "One page"), **_errors(400, 404)},
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
        "/api/v1/units": _code_list("Unit", "Active handling units, by name",
                                    "Their codes are what the `unit` filter takes."),
        "/api/v1/areas": _code_list("Area", "Areas (province, districts, communes), by name",
                                    "Their codes are what the `area` filter takes."),
    }


def openapi_document(server_url: str, codes: DocumentCodes | None = None) -> dict[str, Any]:
    """The document, with the codes the API takes today (`codes`) written in."""
    codes = codes or DocumentCodes()
    schemas = deepcopy(_SCHEMAS)
    schemas["Submission"]["properties"]["category"] = _code(
        codes.categories, "A category code (GET /categories).")
    schemas["Submission"]["properties"]["area"] = _code(
        codes.communes, "Optional: the commune or ward where it happened, by its code (GET "
        "/areas, level `commune`); a district or the province is refused. Left out, the "
        "coordinator sets it when classifying the case.")
    # One object, not an allOf: tools that send multipart read a part's kind (a file, with
    # a file name) from the body's own properties.
    submission = schemas["Submission"]
    schemas["SubmissionWithPhotos"] = {**submission, "properties": {
        **submission["properties"], **schemas.pop("SubmissionPhotos")["properties"]}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Cổng 1022 API", "version": "1.3.0",
                 "description": "Feedback and petitions to the province: submit, follow, "
                                "rate, and read published answers. Every error is JSON; a "
                                "method a path does not list gets 405 with an Allow header."},
        "servers": [{"url": server_url.rstrip("/") or "/"}],
        "paths": _paths(codes),
        "components": {
            "schemas": schemas,
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header",
                                           "name": "X-Api-Key"}},
        },
    }
