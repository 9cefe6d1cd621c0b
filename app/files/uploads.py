"""Judging an upload by its content: photos are re-encoded, PDFs parsed, the rest refused.

A photo is opened by Pillow with only the JPEG, PNG and WebP decoders allowed, its pixel count
checked from the header before anything is decoded (the decompression-bomb guard), turned
upright by its EXIF orientation and then saved anew as JPEG without any metadata (EXIF, GPS,
XMP, ICC comments), its longest side capped; a thumbnail is made beside it. A PDF must start
with the PDF header and parse with pypdf; a password-protected one is refused (nobody could read
it). The name the file came with is kept for display only: it decides nothing.
"""

import io
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Any, BinaryIO

from flask_babel import format_decimal
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from app.files.storage import key_of
from app.rules import RuleViolation

IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")  # JPEG also opens the MPO some phone cameras write
JPEG = "image/jpeg"
PDF = "application/pdf"
MAX_NAME = 120


@dataclass(frozen=True)
class UploadLimits:
    """What one upload may be: bytes, decoded pixels, the longest side kept, the thumbnail's."""

    max_bytes: int
    max_pixels: int = 50_000_000
    max_side: int = 2048
    thumb_side: int = 320

    @classmethod
    def from_config(cls, config: Any, prefix: str = "ATTACHMENT") -> "UploadLimits":
        """From `<prefix>_MAX_BYTES` etc., never above Flask's MAX_CONTENT_LENGTH."""
        max_bytes = int(config[f"{prefix}_MAX_BYTES"])
        if cap := config.get("MAX_CONTENT_LENGTH"):
            max_bytes = min(max_bytes, int(cap))
        return cls(max_bytes=max_bytes, max_pixels=int(config[f"{prefix}_MAX_PIXELS"]),
                   max_side=int(config[f"{prefix}_MAX_SIDE"]),
                   thumb_side=int(config.get(f"{prefix}_THUMB_SIDE", 320)))


@dataclass(frozen=True)
class AcceptedFile:
    """An upload that passed: the bytes to keep (re-encoded for a photo) and what they are."""

    name: str
    content_type: str
    data: bytes
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None
    pages: int | None = None

    @property
    def is_image(self) -> bool:
        return self.content_type == JPEG

    @property
    def key(self) -> str:
        return key_of(self.data)


def megabytes(size: int) -> str:
    """`5`, `2,5`: a size in MB as people read it, in the reader's language."""
    return format_decimal(size / (1024 * 1024), format="#,##0.#")


def display_name(filename: str | None) -> str:
    """The name the file came with, fit to show: no folders, no control or bidi characters."""
    name = unicodedata.normalize("NFC", filename or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return name.strip()[:MAX_NAME] or _("файл")


def read_limited(stream: BinaryIO, max_bytes: int) -> bytes | None:
    """Read at most `max_bytes`; None when the stream holds more."""
    data = stream.read(max_bytes + 1)
    return None if len(data) > max_bytes else data


def accept_upload(upload: Any, limits: UploadLimits) -> AcceptedFile:
    """Judge an uploaded file (a werkzeug FileStorage) by its content; RuleViolation if refused."""
    name = display_name(getattr(upload, "filename", ""))
    data = read_limited(upload.stream, limits.max_bytes)
    if data is None:
        raise RuleViolation(_("Файл «%(name)s» больше %(mb)s МБ: загрузите файл поменьше "
                              "(фото можно переснять с меньшим разрешением).",
                              name=name, mb=megabytes(limits.max_bytes)), "files")
    if not data:
        raise RuleViolation(_("Файл «%(name)s» пустой.", name=name), "files")
    if data.startswith(b"%PDF-"):
        return _accept_pdf(name, data)
    return _accept_image(name, data, limits)


def _not_accepted(name: str, data: bytes) -> RuleViolation:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<", b"<?xml")) or b"<svg" in head or b"<html" in head:
        return RuleViolation(_("Файл «%(name)s» — это SVG или HTML, такие файлы не принимаются. "
                               "Загрузите фото (JPEG, PNG, WebP) или PDF.", name=name), "files")
    return RuleViolation(_("Файл «%(name)s» по содержимому не фото и не PDF (расширение в "
                           "имени не в счёт). Загрузите фото (JPEG, PNG, WebP) или PDF.",
                           name=name), "files")


def _damaged(name: str) -> RuleViolation:
    return RuleViolation(_("Файл «%(name)s» повреждён или обрезан: откройте его на телефоне "
                           "и загрузите снова.", name=name), "files")


def _accept_image(name: str, data: bytes, limits: UploadLimits) -> AcceptedFile:
    with warnings.catch_warnings():
        # Pillow's own bomb guard only warns below twice its limit: ours refuses, in words.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image: Image.Image = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
        except UnidentifiedImageError:
            raise _not_accepted(name, data) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(name, limits) from None
        except (OSError, ValueError, SyntaxError):
            raise _damaged(name) from None
        width, height = image.size
        if width * height > limits.max_pixels or width < 1 or height < 1:
            raise _too_many_pixels(name, limits)
        try:
            # JPEG decodes straight at a smaller scale when the photo is far above the cap.
            image.draft("RGB", (limits.max_side, limits.max_side))
            image = ImageOps.exif_transpose(image)
            image = _flattened(image)
            image.thumbnail((limits.max_side, limits.max_side), Image.Resampling.LANCZOS)
            photo = _jpeg(image, 85)
            small = image.copy()
            small.thumbnail((limits.thumb_side, limits.thumb_side), Image.Resampling.LANCZOS)
            thumbnail = _jpeg(small, 80)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(name, limits) from None
        except (OSError, ValueError, SyntaxError, EOFError):
            raise _damaged(name) from None
    return AcceptedFile(name=name, content_type=JPEG, data=photo, thumbnail=thumbnail,
                        width=image.width, height=image.height)


def _too_many_pixels(name: str, limits: UploadLimits) -> RuleViolation:
    return RuleViolation(_("Изображение «%(name)s» слишком велико по числу точек (больше "
                           "%(mp)s мегапикселей) — такой файл не фото с телефона. Загрузите "
                           "обычное фото.", name=name,
                           mp=format_decimal(limits.max_pixels / 1_000_000, format="#,##0.#")),
                         "files")


def _flattened(image: Image.Image) -> Image.Image:
    """RGB for JPEG: a transparent PNG on white, palettes and greys expanded."""
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # A fresh image carries no EXIF, GPS, XMP or comment unless given: none is given.
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _accept_pdf(name: str, data: bytes) -> AcceptedFile:
    from pypdf import PdfReader

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise RuleViolation(_("PDF «%(name)s» защищён паролем: сохраните его без "
                                      "пароля и загрузите снова.", name=name), "files")
            pages = len(reader.pages)
        except RuleViolation:
            raise
        except Exception:  # pypdf raises many kinds on a damaged file: each is "damaged"
            raise _damaged(name) from None
    if pages < 1:
        raise _damaged(name)
    return AcceptedFile(name=name, content_type=PDF, data=data, pages=pages)
