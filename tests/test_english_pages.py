"""No Cyrillic on an English page outside user data (issue 12).

The demo world is loaded and then every text the users typed or the demo made up — every
string, text and JSON value of every table — is transliterated to Latin letters. What Cyrillic is
left on a page read in English can then only come from the app itself: a string that escaped
the catalog, a label stored as Russian text, a month or holiday name, an enum shown by its
Russian label. Every demo account, with English chosen, opens its menu pages and the object
pages one step away (the crawl of tests/test_page_languages.py).

For Kazakh pages the catalog-phrase test of tests/test_page_languages.py stays the check: Kazakh
is written in Cyrillic, and "Russian-only" cannot be told from Kazakh letter by letter (most words
of both share the alphabet), so a Russian phrase is recognised by being a catalog message whose
translation differs from it.
"""

import html
import re
from decimal import Decimal

from sqlalchemy import JSON, String, Text, select, update

from app.demo import DEMO_PASSWORD, load_world
from app.extensions import db
from app.models import Assessment, Placement, Role, User
from tests import builders_documents as bd
from tests.browser.steps import DEMO_ACCOUNTS
from tests.test_page_languages import _menu_paths, _object_paths, _visible_text

CYRILLIC = re.compile(r"[\u0400-\u052f]+")
LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Kazakh letters beyond the Russian alphabet.
    "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
}
LETTERS.update({k.upper(): v.capitalize() for k, v in list(LETTERS.items())})
TRANSLIT = str.maketrans(LETTERS)
# Deliberately not English: the language switcher (and the profile's language choice) names
# each language in itself, so that a reader who does not read English finds their own.
AUTONYMS = ("Русский", "Қазақша")


# Text the app itself wrote, not its users: left as stored, so a page that shows it in Russian
# instead of rendering the event in the reader's language fails. A notification's `message` is
# the sender's-language fallback for kinds without a renderer; a job's `error` is the app's.
APP_WRITTEN = {("notifications", "message"), ("jobs", "error")}


def latin(value):
    """A value with every Cyrillic letter replaced by Latin ones, inside JSON too."""
    if isinstance(value, str):
        return value.translate(TRANSLIT) if CYRILLIC.search(value) else value
    if isinstance(value, list):
        return [latin(v) for v in value]
    if isinstance(value, dict):
        return {latin(k): latin(v) for k, v in value.items()}
    return value


def make_user_data_latin() -> int:
    """Transliterate every string, text and JSON column of every table; the rows changed."""
    changed = 0
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns
                   if isinstance(c.type, String | Text | JSON) and not c.primary_key
                   and (table.name, c.name) not in APP_WRITTEN]
        keys = list(table.primary_key.columns)
        if not columns or not keys:
            continue
        for row in db.session.execute(select(*keys, *columns)).mappings():
            new = {c.name: latin(row[c.name]) for c in columns if latin(row[c.name]) != row[c.name]}
            if new:
                db.session.execute(update(table).where(*(k == row[k.name] for k in keys))
                                   .values(**new))
                changed += 1
    return changed


# Attributes a reader sees or hears: placeholders, tooltips, image texts, screen-reader labels,
# the words on input buttons.
SHOWN_ATTRIBUTE = re.compile(
    r'\s(?:placeholder|title|alt|aria-label)="([^"]*)"|'
    r'<input[^>]*type="(?:submit|button)"[^>]*\svalue="([^"]*)"')


def _shown_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    attributes = " ".join(a or b for a, b in SHOWN_ATTRIBUTE.findall(page))
    return _visible_text(page) + " " + html.unescape(attributes)


def _leaks(text: str) -> list[str]:
    for autonym in AUTONYMS:
        text = text.replace(autonym, " ")
    return [match.group(0) for match in re.finditer(r"\S*[\u0400-\u052f]\S*", text)]


def test_transliteration_leaves_no_cyrillic():
    assert latin({"Қазақ тілі": ["Өскемен", "Усть-Каменогорск", 5]}) == {
        "Qazaq tili": ["Oskemen", "Ust-Kamenogorsk", 5]}


def test_no_cyrillic_on_any_english_page_outside_user_data(app, client):
    load_world("small")
    db.session.commit()
    assert make_user_data_latin() > 100
    db.session.commit()
    found, visited = {}, 0
    for email in DEMO_ACCOUNTS:
        user = db.session.scalars(select(User).filter_by(email=email)).one()
        user.locale = "en"
        db.session.commit()
        assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}
                           ).status_code == 302
        home = client.get("/").get_data(as_text=True)
        menu = ["/", *_menu_paths(home)]
        assert len(menu) > 2, f"no menu found for {email}"
        patterns = {re.sub(r"\d+", "N", p) for p in menu}
        for path in menu:
            response = client.get(path, follow_redirects=True)
            assert response.status_code == 200, (email, path)
            page = response.get_data(as_text=True)
            pages = [(path, page)]
            for target in _object_paths(page, patterns):
                linked = client.get(target, follow_redirects=True)
                if linked.mimetype == "text/html":
                    assert linked.status_code == 200, (email, target)
                    pages.append((target, linked.get_data(as_text=True)))
            for where, page_html in pages:
                visited += 1
                left = _leaks(_shown_text(page_html))
                if left:
                    found[(email, where)] = sorted(set(left))[:8]
        client.post("/logout")
    assert visited > 40, f"only {visited} pages reached"
    assert not found, "Cyrillic on English pages:\n" + "\n".join(
        f"{who} {where}: {words}" for (who, where), words in found.items())


def test_no_cyrillic_in_english_documents_outside_user_data(app, client):
    """The printed documents read in English: an agreement (with its compensation), a diary,
    an assessment and the employment report."""
    load_world("small")
    db.session.commit()
    placement = db.session.scalars(select(Placement).join(Assessment).limit(1)).one()
    placement.compensation_amount = Decimal("150000")
    assessment = db.session.scalars(select(Assessment).limit(1)).one()
    make_user_data_latin()
    admin = db.session.scalars(select(User).filter_by(role=Role.ADMIN)).first()
    admin.locale = "en"
    db.session.commit()
    assert client.post("/login", data={"email": admin.email, "password": DEMO_PASSWORD}
                       ).status_code == 302
    found = {}
    for url in (f"/documents/agreement/{placement.id}.pdf", f"/documents/diary/{placement.id}.pdf",
                f"/documents/assessment/{assessment.id}.pdf", "/documents/report.pdf?year=2026"):
        response = client.get(url + ("&" if "?" in url else "?") + "lang=en")
        assert response.status_code == 200, url
        text = "\n".join(bd.pdf_pages(response.data))
        if "agreement" in url:
            assert "KZT 150,000" in " ".join(text.split())
        left = _leaks(text)
        if left:
            found[url] = sorted(set(left))[:8]
    assert not found, f"Cyrillic in English documents: {found}"


def test_statuses_of_different_enums_keep_their_own_names(app):
    """StrEnum members with the same value are equal: each enum's label must stay its own (an
    approved diary entry is "signed off", not a change request's "approved")."""
    from flask_babel import force_locale

    from app.labels import label
    from app.models import AbsenceStatus, ChangeStatus, EntryStatus, OfferStatus

    with app.test_request_context(), force_locale("en"):
        assert label(EntryStatus.APPROVED) == "signed off"
        assert label(ChangeStatus.APPROVED) == "approved"
        assert label(OfferStatus.DECLINED) == "offer declined"
        assert label(ChangeStatus.DECLINED) == "declined"
        assert label(ChangeStatus.PENDING) == "awaiting an answer"
        assert label(AbsenceStatus.PENDING) != label(ChangeStatus.PENDING)
