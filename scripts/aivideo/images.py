"""Turning --image values into what the API takes, without ever sending a non-image file."""
import base64
import binascii
import hashlib
import re
from pathlib import Path

from .errors import invalid

MAX_IMAGE_BYTES = 20 * 1024 * 1024
DATA_URI = re.compile(r"^data:(image/[A-Za-z0-9.+-]+);base64,", re.IGNORECASE)
ALLOWED_MIME = ("image/png", "image/jpeg", "image/webp", "image/gif")


def sniff_mime(head):
    """The image type from magic bytes, or None: the file name and extension are not trusted."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return None


def is_url(value):
    return bool(re.match(r"^https?://[^\s/]+", value))


def from_file(value):
    """A local image file read as a data URI; symlinks resolved before any check."""
    try:
        path = Path(value).expanduser().resolve(strict=True)
    except (OSError, RuntimeError):
        raise invalid(f"image file not found: {value}", field="image",
                      hint="pass an existing PNG, JPEG, WebP or GIF file, an https URL, "
                           "or a data:image/...;base64 URI") from None
    if not path.is_file():
        raise invalid(f"image path is not a regular file: {value}", field="image")
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        raise invalid(f"image file is {size} bytes; the limit is {MAX_IMAGE_BYTES}",
                      field="image", hint="resize or recompress the image")
    with path.open("rb") as handle:
        data = handle.read(MAX_IMAGE_BYTES + 1)
    mime = sniff_mime(data[:16])
    if mime is None:
        raise invalid(f"not an image file (PNG, JPEG, WebP or GIF by content): {value}",
                      field="image", allowed=list(ALLOWED_MIME))
    # Built so that at most two copies of a large image are alive at once.
    encoded = base64.b64encode(data)
    del data
    uri = b"".join((f"data:{mime};base64,".encode("ascii"), encoded))
    del encoded
    return uri.decode("ascii")


def check_data_uri(value):
    """A data URI must hold a real image of an allowed type within the size limit."""
    match = DATA_URI.match(value)
    mime = match.group(1).lower()
    payload = value[match.end():]
    if len(payload) > (MAX_IMAGE_BYTES * 4) // 3 + 4:
        raise invalid(f"image data is over the {MAX_IMAGE_BYTES}-byte limit", field="image")
    try:
        head = base64.b64decode(payload[:64], validate=True)
        base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise invalid("image data URI is not valid base64", field="image") from None
    sniffed = sniff_mime(head)
    if sniffed is None or sniffed != mime.replace("image/jpg", "image/jpeg"):
        raise invalid(f"image data is not a {mime} image", field="image",
                      allowed=list(ALLOWED_MIME))
    return f"data:{sniffed};base64,{payload}"


def resolve(value):
    """URL -> unchanged; data URI -> checked; anything else -> a local file path."""
    if not isinstance(value, str) or not value.strip():
        raise invalid("image must be a non-empty string", field="image")
    value = value.strip()
    if is_url(value):
        return value
    if DATA_URI.match(value):
        return check_data_uri(value)
    if value.lower().startswith("data:"):
        raise invalid("image data URI must be data:image/<type>;base64,...", field="image",
                      allowed=list(ALLOWED_MIME))
    return from_file(value)


def describe(value):
    """A short stand-in for output and the journal: never the data itself."""
    match = DATA_URI.match(value) if isinstance(value, str) else None
    if not match:
        return value
    start = match.end()
    size = (len(value) - start) * 3 // 4 - value[-2:].count("=")
    digest = hashlib.sha256()
    for offset in range(start, len(value), 1 << 20):  # in slices: no second copy of the image
        digest.update(value[offset:offset + (1 << 20)].encode("ascii"))
    return f"<{match.group(1)} data URI, {size} bytes, sha256(base64)={digest.hexdigest()[:16]}>"
