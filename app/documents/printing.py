"""Compose a document: its content through the print template, the code and QR, then PDF."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import segno
from flask import render_template, url_for
from flask_babel import force_locale, format_decimal, format_number
from flask_babel import gettext as _
from markupsafe import Markup

from app import charts
from app.documents.content import diary_totals, percent, weekly_plan
from app.documents.render import render_pdf
from app.documents.services import format_code
from app.domain.grades import FIVE_POINT_WORDS
from app.i18n import format_date, format_datetime, format_tenge
from app.labels import label
from app.models import (
    AssessmentKind,
    DocumentKind,
    HireRecommendation,
    InductionKind,
    IssuedDocument,
    OutcomeKind,
)

TEMPLATES = {
    DocumentKind.DIARY: "pdf/diary.html",
    DocumentKind.ASSESSMENT: "pdf/assessment.html",
    DocumentKind.AGREEMENT: "pdf/agreement.html",
    DocumentKind.REPORT: "pdf/report.html",
    DocumentKind.INDUCTION: "pdf/induction.html",
    DocumentKind.WORK_EXPERIENCE: "pdf/work_experience.html",
}

# The font the print CSS embeds; charts drawn for the screen name system fonts instead.
DOCUMENT_FONT = 'font-family="Shakirt Document"'


def css_string(text: str) -> Markup:
    """Text as a quoted CSS string (our own translated labels, made safe inside <style>)."""
    text = text.unescape() if isinstance(text, Markup) else str(text)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    # Safe: quotes, backslashes and angle brackets are escaped for CSS just above.
    return Markup('"' + escaped.replace("<", "\\3C ").replace(">", "\\3E ") + '"')  # noqa: S704  # nosec B704


def page_counter_css() -> Markup:
    """The `content:` value printing "стр. N из M" in the current language."""
    text = _("стр. %(page)s из %(pages)s", page="\0page\0", pages="\0pages\0")
    parts = []
    for piece in text.split("\0"):
        if piece in ("page", "pages"):
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(str(css_string(piece)))
    # CSS strings escaped by css_string.
    return Markup(" ".join(parts))  # noqa: S704  # nosec B704


def _date(value: str | date | None, pattern: str = "dd.MM.yyyy") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        return format_datetime(value, "dd.MM.yyyy HH:mm")
    return format_date(value, pattern)


def _hours(value: float) -> str:
    return format_decimal(value, "#,##0.#")


CHART_BARS = 15  # what fits on page 1 beside the summary; the table below has every row


def distinct_labels(names: list[str], limit: int = charts.LABEL_CHARS) -> list[str]:
    """Chart labels short enough for the chart and never alike: a name cut at its end would
    lose what tells colleges apart ("… №4", "… №10"), so long names keep their start and end."""
    def shorten(name: str, head: int) -> str:
        if len(name) <= limit:
            return name
        tail = limit - head - 1
        return name[:head].rstrip() + "…" + (name[-tail:].lstrip() if tail > 0 else "")

    for head in (limit - 1, limit // 2, limit // 3):
        labels = [shorten(n, head) for n in names]
        if len(set(labels)) == len(set(names)):
            return labels
    return [f"{i}. {shorten(n, limit // 3)}"[:limit] for i, n in enumerate(names, start=1)]


def _chart(content: dict[str, Any]) -> tuple[Markup, int, int]:
    """The employment chart (at most CHART_BARS bars, largest cohorts) and bars shown / all."""
    rows = content["rows"]
    by_college = content["college"] is None
    merged: dict[str, list[int]] = {}
    for row in rows:  # the region: one bar per college, summed over its specialties
        totals = merged.setdefault(row["college"] if by_college else row["specialty"], [0, 0])
        totals[0] += row["graduates"]
        totals[1] += row["employed"]
    shown = sorted(merged.items(), key=lambda item: -item[1][0])[:CHART_BARS]
    order = {name: index for index, name in enumerate(merged)}
    shown.sort(key=lambda item: order[item[0]])
    names = [name for name, _counts in shown]
    values = [percent(e, g) for _name, (g, e) in shown]
    svg = charts.horizontal_bars(
        "employment", _("Трудоустроены по специальности, %"), distinct_labels(names), values,
        fmt=lambda v: f"{_hours(v)}%", max_value=100,
    )
    # The chart escaped its labels; only its font attribute is swapped for the embedded font.
    svg = Markup(str(svg).replace(charts.FONT, DOCUMENT_FONT))  # noqa: S704  # nosec B704
    return svg, len(shown), len(merged)


def qr_data_uri(url: str) -> str:
    """The verification link as a QR code, an SVG data: URI."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


@dataclass(frozen=True)
class Stamp:
    """What a printed document shows of its issue: the code and the moment."""

    code: str
    issued_at: datetime

    @classmethod
    def of(cls, issued: IssuedDocument) -> "Stamp":
        return cls(issued.code, issued.issued_at)


def _absence_rows(content: dict[str, Any]) -> list[dict[str, str]]:
    """The diary's absences as the rows print them, in the reader's language."""
    from app.models import AbsenceKind, AbsenceStatus

    return [{"first": a["first_day"], "last": a["last_day"],
             "text": f'{label(AbsenceKind(a["kind"]))} ({label(AbsenceStatus(a["status"]))})'}
            for a in content.get("absences", [])]


def document_html(content: dict[str, Any], issued: Stamp, locale: str,
                  images: dict[str, str] | None = None) -> tuple[str, str]:
    """The print HTML of a document in a language, and the QR data URI it embeds; `images`
    (file key → data URI) are the diary's photo thumbnails, when the reader's copy shows them."""
    kind = DocumentKind(content["kind"])
    verify_url = url_for("documents.verify", code=issued.code, _external=True)
    qr = qr_data_uri(verify_url)
    with force_locale(locale):
        extra: dict[str, Any] = {}
        if kind == DocumentKind.DIARY:
            extra["totals"] = diary_totals(content)
            extra["absence_rows"] = _absence_rows(content)
        elif kind == DocumentKind.AGREEMENT:
            extra["weekly_plan"] = weekly_plan(content)
        elif kind == DocumentKind.REPORT:
            extra["chart"], extra["chart_bars"], extra["chart_all"] = (
                _chart(content) if content["rows"] else (None, 0, 0))
            extra["rate"] = percent(content["employed"], content["graduates"])
            extra["known_rate"] = percent(content["known"], content["graduates"])
            extra["outcome_rows"] = [
                (label(OutcomeKind(kind)), n) for kind, n in content["outcomes"].items()
            ]
        html = render_template(
            TEMPLATES[kind], c=content, doc=issued, code=format_code(issued.code),
            qr=qr, verify_url=verify_url, locale=locale, page_counter=page_counter_css(),
            css_string=css_string, fmt_date=_date, fmt_hours=_hours, percent=percent,
            fmt_points=lambda v: format_decimal(v, "0.00"), fmt_int=format_number,
            fmt_tenge=format_tenge,
            grade_word=lambda g: str(FIVE_POINT_WORDS.get(g, "")), images=images or {},
            kind_label=lambda v: label(AssessmentKind(v)),
            hire_label=lambda v: label(HireRecommendation(v)) if v else "—",
            induction_label=lambda v: label(InductionKind(v)),
            **extra,
        )
    return html, qr


def document_pdf(content: dict[str, Any], issued: Stamp, locale: str,
                 images: dict[str, str] | None = None) -> bytes:
    """A document as PDF bytes in the given language (with the given thumbnails)."""
    html, qr = document_html(content, issued, locale, images)
    return render_pdf(html, data_uris=[qr, *(images or {}).values()])
