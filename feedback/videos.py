"""Citizens' videos: the real type from the bytes, limits, and metadata blanked out.

Only MP4 (an ISO base-media file: an `ftyp` box naming an MP4 brand) and WebM (an EBML
header whose DocType is "webm") are taken; the name and declared type of the upload are
ignored. The whole container must be well formed at its top level: boxes (or EBML
elements) follow one another up to the last byte, so nothing can ride after the video,
such as a page appended to it.

Videos are not re-encoded (that needs a transcoder the servers do not run), so the blocks
that carry the phone's metadata are blanked in a copy of the upload, which is what gets
stored (SECURITY DP5, IN2): in MP4 the `udta`, `meta` and `uuid` boxes (GPS position in
`©xyz` or Apple's location key, XMP) become zero-filled `free` boxes, and every top-level
`free`/`skip` box is zero-filled; in WebM the Tags and Attachments elements become
zero-filled Void elements. Sizes do not change, so the offsets inside the file stay right
and the video still plays. The original upload is never stored.
"""

from __future__ import annotations

import hashlib
import shutil
import struct
import tempfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Brands a phone or a browser writes for MP4 (major or compatible brand).
MP4_BRANDS = frozenset({b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42",
                        b"avc1", b"dash", b"M4V "})
# MP4 boxes whose children we look into, and boxes that carry metadata, not the video.
MP4_CONTAINERS = frozenset({b"moov", b"trak", b"mdia", b"minf", b"edts"})
MP4_METADATA = frozenset({b"udta", b"meta", b"uuid", b"XMP_"})
MP4_PADDING = frozenset({b"free", b"skip", b"wide"})

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
EBML_DOCTYPE = 0x4282
WEBM_SEGMENT = 0x18538067
WEBM_CLUSTER = 0x1F43B675
WEBM_VOID = 0xEC
# Elements allowed at the top of a Segment; an unknown-sized Cluster ends at the next one.
WEBM_SEGMENT_CHILDREN = frozenset({0x114D9B74, 0x1549A966, 0x1654AE6B, 0x1C53BB6B,
                                   WEBM_CLUSTER, 0x1254C367, 0x1941A469, 0x1043A770,
                                   WEBM_VOID, 0xBF})
WEBM_CLUSTER_ENDS = WEBM_SEGMENT_CHILDREN - {WEBM_VOID, 0xBF}  # Void, CRC-32 may sit inside
# What an unsized Cluster may hold: Timecode, SilentTracks, Position, PrevSize, SimpleBlock,
# BlockGroup, EncryptedBlock, Void, CRC-32.
WEBM_CLUSTER_CHILDREN = frozenset({0xE7, 0x5854, 0xA7, 0xAB, 0xA3, 0xA0, 0xAF, WEBM_VOID, 0xBF})
WEBM_METADATA = frozenset({0x1254C367, 0x1941A469})  # Tags, Attachments
CHUNK = 1024 * 1024
# Real files have a handful of levels and at most thousands of fragments or clusters; a
# crafted file of millions of empty boxes would only waste the worker's time.
MAX_DEPTH = 8
MAX_ELEMENTS = 200_000


class NotAVideo(Exception):
    """The bytes are not a well-formed MP4 or WebM file."""


@dataclass
class CleanVideo:
    """A checked copy of an uploaded video with its metadata blanked, ready to store."""

    file: IO[bytes]
    content_type: str
    extension: str
    size: int
    sha256: str


def limits_text() -> str:
    """The video limits, in words, shown next to the file field before anything is sent."""
    return _("Up to %(count)d videos (MP4 or WebM), at most %(size)s each.") % {
        "count": settings.PUBLIC_VIDEO_MAX_COUNT,
        "size": filesizeformat(settings.PUBLIC_VIDEO_MAX_BYTES),
    }


def too_large() -> ValidationError:
    return ValidationError(
        _("A video is larger than %(size)s.")
        % {"size": filesizeformat(settings.PUBLIC_VIDEO_MAX_BYTES)},
        code="too_large",
    )


def clean_video(upload: UploadedFile) -> CleanVideo:
    """Check one uploaded video and return a cleaned copy of it, or raise ValidationError."""
    max_bytes = settings.PUBLIC_VIDEO_MAX_BYTES
    if upload.size is None or upload.size > max_bytes:
        raise too_large()
    copy = tempfile.TemporaryFile()  # noqa: SIM115 — handed to the caller; closed on error
    try:
        upload.seek(0)
        shutil.copyfileobj(upload, copy, CHUNK)
        size = copy.tell()
        if size > max_bytes:
            raise too_large()
        copy.seek(0)
        head = copy.read(64)
        if head[4:8] == b"ftyp":
            _clean_mp4(copy, size)
            content_type, extension = "video/mp4", "mp4"
        elif head.startswith(EBML_MAGIC):
            _clean_webm(copy, size)
            content_type, extension = "video/webm", "webm"
        else:
            raise NotAVideo
    except NotAVideo:
        copy.close()
        raise ValidationError(
            _("A file is not a video we can read. Send MP4 or WebM videos."), code="not_video"
        ) from None
    except BaseException:
        copy.close()
        raise
    digest = hashlib.sha256()
    copy.seek(0)
    while chunk := copy.read(CHUNK):
        digest.update(chunk)
    copy.seek(0)
    return CleanVideo(file=copy, content_type=content_type, extension=extension, size=size,
                      sha256=digest.hexdigest())


# --- MP4 (ISO/IEC 14496-12) -------------------------------------------------------------------
def _mp4_boxes(f: IO[bytes], start: int, end: int):
    """(offset, header length, box end, type) of each box from `start` to exactly `end`."""
    offset = start
    count = 0
    while offset < end:
        count += 1
        if count > MAX_ELEMENTS:
            raise NotAVideo
        if end - offset < 8:
            raise NotAVideo
        f.seek(offset)
        size, kind = struct.unpack(">I4s", f.read(8))
        header = 8
        if size == 1:
            if end - offset < 16:
                raise NotAVideo
            (size,) = struct.unpack(">Q", f.read(8))
            header = 16
        elif size == 0:
            size = end - offset
        if size < header or offset + size > end or not _is_box_type(kind):
            raise NotAVideo
        yield offset, header, offset + size, kind
        offset += size


def _is_box_type(kind: bytes) -> bool:
    return all(32 <= b <= 126 or b == 0xA9 for b in kind)


def _clean_mp4(f: IO[bytes], size: int) -> None:
    boxes = list(_mp4_boxes(f, 0, size))
    first_offset, first_header, first_end, first_kind = boxes[0]
    if first_kind != b"ftyp" or first_end - first_offset < 16:
        raise NotAVideo
    f.seek(first_offset + first_header)
    body = f.read(first_end - first_offset - first_header)
    brands = {body[:4]} | {body[i:i + 4] for i in range(8, len(body) - 3, 4)}
    if not brands & MP4_BRANDS:
        raise NotAVideo
    kinds = {kind for *_rest, kind in boxes}
    if b"moov" not in kinds or not kinds & {b"mdat", b"moof"}:
        raise NotAVideo
    for offset, header, end, kind in boxes[1:]:
        if kind in MP4_METADATA or kind in MP4_PADDING:
            _blank_box(f, offset, header, end)
        elif kind == b"moov":
            _clean_mp4_children(f, offset + header, end, depth=1)


def _clean_mp4_children(f: IO[bytes], start: int, end: int, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise NotAVideo
    for offset, header, box_end, kind in list(_mp4_boxes(f, start, end)):
        if kind in MP4_METADATA:
            _blank_box(f, offset, header, box_end)
        elif kind in MP4_CONTAINERS:
            _clean_mp4_children(f, offset + header, box_end, depth + 1)


def _blank_box(f: IO[bytes], offset: int, header: int, end: int) -> None:
    """Turn a box into a `free` box of the same size, its content zeroed."""
    f.seek(offset + 4)
    f.write(b"free")
    _zero(f, offset + header, end)


def _zero(f: IO[bytes], start: int, end: int) -> None:
    f.seek(start)
    left = end - start
    while left > 0:
        step = min(left, CHUNK)
        f.write(b"\0" * step)
        left -= step


# --- WebM (EBML, RFC 8794 / Matroska) -------------------------------------------------------
def _read_vint(f: IO[bytes], keep_marker: bool) -> tuple[int, int, bool]:
    """(value, length, all-ones) of the variable-size integer at the file's position."""
    first = f.read(1)
    if not first:
        raise NotAVideo
    byte = first[0]
    length = 1
    mask = 0x80
    while length <= 8 and not byte & mask:
        length += 1
        mask >>= 1
    if length > 8:
        raise NotAVideo
    rest = f.read(length - 1)
    if len(rest) != length - 1:
        raise NotAVideo
    value = byte if keep_marker else byte & (mask - 1)
    for b in rest:
        value = (value << 8) | b
    unknown = not keep_marker and value == (1 << (7 * length)) - 1
    return value, length, unknown


def _element(f: IO[bytes], offset: int, end: int) -> tuple[int, int, int | None]:
    """(id, header length, data size or None when unknown) of the element at `offset`."""
    f.seek(offset)
    element_id, id_length, _unused = _read_vint(f, keep_marker=True)
    data_size, size_length, unknown = _read_vint(f, keep_marker=False)
    header = id_length + size_length
    if offset + header > end:
        raise NotAVideo
    return element_id, header, None if unknown else data_size


def _clean_webm(f: IO[bytes], size: int) -> None:
    element_id, header, data_size = _element(f, 0, size)
    if data_size is None or header + data_size > size or data_size > 4096:
        raise NotAVideo
    f.seek(header)
    if _ebml_doctype(f, header, header + data_size) != b"webm":
        raise NotAVideo
    offset = header + data_size
    element_id, header, data_size = _element(f, offset, size)
    if element_id != WEBM_SEGMENT:
        raise NotAVideo
    segment_end = size if data_size is None else offset + header + data_size
    # The Segment is the last thing in the file: nothing may follow it.
    if segment_end != size:
        raise NotAVideo
    _clean_segment(f, offset + header, segment_end)


def _ebml_doctype(f: IO[bytes], start: int, end: int) -> bytes:
    offset = start
    while offset < end:
        element_id, header, data_size = _element(f, offset, end)
        if data_size is None or offset + header + data_size > end:
            raise NotAVideo
        if element_id == EBML_DOCTYPE:
            f.seek(offset + header)
            return f.read(data_size).rstrip(b"\0")
        offset += header + data_size
    raise NotAVideo


def _clean_segment(f: IO[bytes], start: int, end: int) -> None:
    offset = start
    seen_cluster = False
    count = 0
    while offset < end:
        count += 1
        if count > MAX_ELEMENTS:
            raise NotAVideo
        element_id, header, data_size = _element(f, offset, end)
        if element_id not in WEBM_SEGMENT_CHILDREN:
            raise NotAVideo
        if data_size is None:
            # A live recording (a browser's MediaRecorder) leaves its Clusters unsized.
            if element_id != WEBM_CLUSTER:
                raise NotAVideo
            element_end = _unsized_cluster_end(f, offset + header, end)
        else:
            element_end = offset + header + data_size
            if element_end > end:
                raise NotAVideo
        seen_cluster |= element_id == WEBM_CLUSTER
        if element_id in WEBM_METADATA:
            _blank_element(f, offset, header, element_end)
        offset = element_end
    if not seen_cluster:
        raise NotAVideo


def _unsized_cluster_end(f: IO[bytes], start: int, end: int) -> int:
    offset = start
    count = 0
    while offset < end:
        count += 1
        if count > MAX_ELEMENTS:
            raise NotAVideo
        element_id, header, data_size = _element(f, offset, end)
        if element_id in WEBM_CLUSTER_ENDS:
            return offset
        if element_id not in WEBM_CLUSTER_CHILDREN or data_size is None:
            raise NotAVideo
        if offset + header + data_size > end:
            raise NotAVideo
        offset += header + data_size
    return end


def _blank_element(f: IO[bytes], offset: int, header: int, end: int) -> None:
    """Turn an element into a Void element of the same total length, its content zeroed."""
    size_length = min(header - 1, 8)  # the Void id takes one byte; its size up to eight
    data_size = end - offset - 1 - size_length
    if data_size >= (1 << (7 * size_length)) - 1:
        raise NotAVideo
    marked = (1 << (7 * size_length)) | data_size
    f.seek(offset)
    f.write(bytes([WEBM_VOID]) + marked.to_bytes(size_length, "big"))
    _zero(f, offset + 1 + size_length, end)
