"""GeoReport v2 answers in JSON and XML, and its error arrays."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from django.http import HttpResponse

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"

# The element name of each item of a list, by the list's own name (GeoReport v2 XML).
ITEM_TAGS = {
    "service_requests": "request", "services": "service", "errors": "error",
    "endpoints": "endpoint", "formats": "format", "attributes": "attribute",
    "values": "value",
}
# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _element(parent: ET.Element, tag: str, value: Any) -> None:
    node = ET.SubElement(parent, tag)
    _fill(node, tag, value)


def _fill(node: ET.Element, tag: str, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _element(node, key, child)
    elif isinstance(value, list | tuple):
        for child in value:
            _element(node, ITEM_TAGS.get(tag, "item"), child)
    else:
        node.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    """`value` under a `root` element; ElementTree escapes every text and attribute."""
    node = ET.Element(root)
    _fill(node, root, value)
    return ET.tostring(node, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, root: str, value: Any, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(to_xml(root, value), content_type=XML_TYPE, status=status)
    body = json.dumps(value, ensure_ascii=False)
    return HttpResponse(body.encode(), content_type=JSON_TYPE, status=status)


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The GeoReport error array: [{"code": 400, "description": "…"}, …]."""
    rows = [{"code": status, "description": str(d)} for d in descriptions]
    return respond(fmt, "errors", rows, status=status)
