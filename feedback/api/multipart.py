"""Multipart bodies read so that an empty value stays an empty value.

RFC 2046 (5.1.1) writes a part as `headers [CRLF body]`: a part with an empty value may end
with its headers, the next delimiter's CRLF following the last header line at once. Clients
do send this (Werkzeug's encoder writes every empty value so). Django's parser wants a blank
line after the headers, takes the delimiter's CRLF for it, finds no part after it and drops
the whole part: `photo_tokens=""` or `sms_updates=""` would then count as left out, and a
value the document refuses would be accepted. This stream gives such a part the empty body
the parser expects; every other byte passes through unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import IO, Any, BinaryIO, cast

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.http import parse_header_parameters

CHUNK = 64 * 1024
HEADERS_END = b"\r\n\r\n"
# Past this, what follows a delimiter is no header block: the parser refuses it itself.
MAX_HEADERS = 64 * 1024


def _parts(stream: IO[bytes], separator: bytes) -> Iterator[bytes]:
    """The bytes of `stream`, with CRLF added where a part's headers meet the next
    `separator` (`--boundary`). Split where Django's parser splits: at every separator."""
    pending, at_headers, ended = b"", False, False
    while True:
        if not ended:
            chunk = stream.read(CHUNK)
            ended = not chunk
            pending += chunk
        while pending:
            if at_headers:
                end, next_part = pending.find(HEADERS_END), pending.find(separator)
                if next_part != -1 and (end == -1 or next_part < end):
                    # No header block before the next part: the parser's business.
                    cut = next_part + len(separator)
                    yield pending[:cut]
                    pending = pending[cut:]
                    continue
                if end == -1:
                    if len(pending) > MAX_HEADERS:
                        at_headers = False
                        continue
                    break
                body = end + len(HEADERS_END)
                if len(pending) - body < len(separator) and not ended:
                    break  # not yet known whether the next delimiter follows at once
                yield pending[:body]
                if pending[body:].startswith(separator):
                    yield b"\r\n"  # the empty body, and the delimiter keeps its CRLF
                pending, at_headers = pending[body:], False
            else:
                found = pending.find(separator)
                if found == -1:
                    # Keep what could be the start of a separator cut in two.
                    cut = len(pending) if ended else max(0, len(pending) - len(separator) + 1)
                    yield pending[:cut]
                    pending = pending[cut:]
                    break
                cut = found + len(separator)
                yield pending[:cut]
                pending, at_headers = pending[cut:], True
        if ended:
            if pending:
                yield pending
            return


class _Reader:
    """A file-like view of `_parts`, which is what Django's parser reads."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._buffer = chunks, b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        size = len(self._buffer) if size < 0 else size
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def keep_empty_parts(request: HttpRequest) -> None:
    """Have `request.POST` and `request.FILES` keep the body-less parts of a multipart body.

    Django's own parser does the parsing (its limits, upload handlers and errors are kept);
    only the stream it reads is given the missing blank lines.
    """
    if request.content_type != "multipart/form-data":
        return
    _value, options = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))
    boundary = options.get("boundary", "")
    if not boundary or not boundary.isascii():
        return  # the parser refuses the body itself
    separator = b"--" + boundary.encode("ascii")
    parse = request.parse_file_upload

    def parse_keeping_empty_parts(meta: Mapping[str, Any], post_data: BinaryIO
                                  ) -> tuple[QueryDict, MultiValueDict[str, UploadedFile]]:
        return parse(meta, cast(BinaryIO, _Reader(_parts(post_data, separator))))

    request.parse_file_upload = parse_keeping_empty_parts  # type: ignore[method-assign,assignment]
