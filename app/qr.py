"""QR codes as inline SVG, drawn on the server (no script, no CDN)."""

import segno
from markupsafe import Markup


def qr_svg(link: str, title: str, scale: int = 5) -> Markup:
    """The link as a QR code; `title` names it for assistive technology."""
    svg = segno.make(link, error="m").svg_inline(
        scale=scale, light="#fff", svgclass="qr", lineclass=None, omitsize=True, title=title)
    # segno's own markup of the app's link (the title is escaped by segno): safe to embed.
    return Markup(svg)  # noqa: S704  # nosec B704
