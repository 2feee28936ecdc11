"""Images (§5.12): upload (bytes checked by their signature), register by URL, list, get, delete.

Uploaded files are kept in the brand (base64, so the state stays JSON) and served back by the sandbox
at the ``url`` the API returns; an image registered by URL keeps its source URL (the sandbox never
fetches from the internet, mock decision).
"""

from __future__ import annotations

import base64
import struct
from typing import Any
from urllib.parse import urlsplit

from mock_server.core.errors import NotFound, ValidationFailed
from mock_server.core.store import CollectionSpec, clone
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import Brand, created_key, register_collection, register_seeder

Record = dict[str, Any]
COLLECTION = "images"
FILES = "imageFiles"
OUTPUT = ("id", "name", "url", "type", "size", "width", "height", "createdAt")


def _name_key(record: Record) -> str:
    return str(record.get("name") or "")


register_collection(COLLECTION, CollectionSpec(sort_keys={"createdAt": created_key, "name": _name_key}))
register_collection(FILES, CollectionSpec())


def sniff(data: bytes) -> str | None:
    """The MIME type of PNG, JPEG, GIF or WebP bytes (by their signature), else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def dimensions(data: bytes, kind: str) -> tuple[int | None, int | None]:
    """Width and height read from the file header (None when the header is cut short)."""
    try:
        if kind == "image/png":
            width, height = struct.unpack(">II", data[16:24])
            return int(width), int(height)
        if kind == "image/gif":
            width, height = struct.unpack("<HH", data[6:10])
            return int(width), int(height)
        if kind == "image/webp":
            return _webp_size(data)
        return _jpeg_size(data)
    except (struct.error, IndexError):
        return None, None


def _webp_size(data: bytes) -> tuple[int | None, int | None]:
    chunk = data[12:16]
    if chunk == b"VP8X":
        return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    return None, None


def _jpeg_size(data: bytes) -> tuple[int | None, int | None]:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            index += 1
            continue
        marker = data[index + 1]
        length = int.from_bytes(data[index + 2:index + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5:index + 9])
            return int(width), int(height)
        index += 2 + length
    return None, None


def render(record: Record, base_url: str) -> Record:
    """The Image answer; an uploaded file's ``url`` is the sandbox's own address for it. What the sandbox
    cannot know about an image registered by URL (it never fetches it: size, dimensions) is omitted."""
    out = {key: record[key] for key in OUTPUT if record.get(key) is not None}
    if record.get("path"):
        out["url"] = base_url.rstrip("/") + record["path"]
    return out


def find(brand: Brand, image_id: str) -> Record:
    """The stored image, or 404 (mock decision: the contract declares none)."""
    record = brand.col(COLLECTION).peek(image_id)
    if record is None:
        raise NotFound(M.ERR_IMAGE_NOT_FOUND)
    return record


def file_path(brand: Brand, image_id: str, name: str) -> str:
    """Where (below the server's base URL) the sandbox serves an uploaded file."""
    return f"{M.IMAGE_PATH}/{brand.brand_id}/{image_id}/{name}"


def upload(brand: Brand, data: bytes | None, filename: str | None, name: str | None, base_url: str = "",
           *, image_id: str | None = None, created_at: str | None = None) -> Record:
    """POST /images/upload: JPEG/PNG/GIF/WebP up to 5 MB (201 Image)."""
    if data is None:
        raise ValidationFailed([(("file",), "required")])
    kind = sniff(data)
    problems: list[tuple[tuple[str | int, ...], str]] = []
    if kind is None:
        problems.append((("file",), "invalid_format: must be a JPEG, PNG, GIF or WebP image"))
    if len(data) > M.IMAGE_MAX_BYTES:
        problems.append((("file",), "must be at most 5 MB"))
    if not data:
        problems = [(("file",), "required")]
    if problems:
        raise ValidationFailed(problems)
    assert kind is not None
    new_id = image_id or brand.new_id()
    file_name = _safe(filename or f"image.{kind.split('/')[1]}")
    width, height = dimensions(data, kind)
    record = {"id": new_id, "name": name or file_name, "url": None, "path": file_path(brand, new_id, file_name),
              "type": kind, "size": len(data), "width": width, "height": height,
              "createdAt": created_at or brand.now()}
    brand.col(COLLECTION).insert(new_id, record)
    brand.col(FILES).insert(new_id, {"id": new_id, "type": kind, "data": base64.b64encode(data).decode("ascii")})
    return render(record, base_url)


def _safe(name: str) -> str:
    kept = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name.rsplit("/", 1)[-1])
    return kept or "image"


def register_url(brand: Brand, data: Record) -> Record:
    """POST /images: a public HTTPS URL of a PNG/JPEG/GIF/WebP file (201 Image; never fetched)."""
    url = data.get("url")
    problems: list[tuple[tuple[str | int, ...], str]] = []
    kind = None
    if not isinstance(url, str) or not url:
        problems.append((("url",), "required"))
    else:
        parts = urlsplit(url)
        kind = M.IMAGE_EXTENSIONS.get(parts.path.rsplit(".", 1)[-1].lower()) if "." in parts.path else None
        if parts.scheme != "https" or not parts.hostname:
            problems.append((("url",), "invalid_format: must be a public https URL"))
        elif kind is None:
            problems.append((("url",), "invalid_format: must point at a PNG, JPEG, GIF or WebP file"))
    if "name" in data and not isinstance(data["name"], str):
        problems.append((("name",), "invalid type, expected string"))
    if problems:
        raise ValidationFailed(problems)
    assert isinstance(url, str)
    new_id = brand.new_id()
    record = {"id": new_id, "name": data.get("name") or url.rsplit("/", 1)[-1].split("?")[0], "url": url,
              "type": kind, "size": None, "width": None, "height": None, "createdAt": brand.now()}
    brand.col(COLLECTION).insert(new_id, record)
    return render(record, "")


def get(brand: Brand, image_id: str, base_url: str = "") -> Record:
    """GET /images/{id}."""
    return render(find(brand, image_id), base_url)


def delete(brand: Brand, image_id: str) -> None:
    """DELETE /images/{id}: the file stops being served too."""
    find(brand, image_id)
    brand.col(COLLECTION).delete(image_id)
    if image_id in brand.col(FILES):
        brand.col(FILES).delete(image_id)


def file_of(brand: Brand, image_id: str) -> tuple[bytes, str] | None:
    """The bytes and MIME type of an uploaded image (None when unknown or registered by URL)."""
    stored = brand.col(FILES).peek(image_id)
    if stored is None:
        return None
    return base64.b64decode(stored["data"]), str(stored["type"])


def _seed(brand: Brand, record: Record) -> None:
    """A fixture image: ``{id?, name, createdAt?, base64}`` (an uploaded file, served at a relative URL)."""
    data = clone(record)
    raw = data.get("base64")
    if not isinstance(raw, str):
        raise ValidationFailed([(("base64",), "required: the file's bytes in base64")])
    try:
        content = base64.b64decode(raw, validate=True)
    except ValueError as exc:
        raise ValidationFailed([(("base64",), "invalid base64")]) from exc
    upload(brand, content, data.get("fileName"), data.get("name"), image_id=data.get("id"),
           created_at=data.get("createdAt"))


register_seeder(COLLECTION, _seed, order=33)
