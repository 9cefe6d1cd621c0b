"""Every word of the interface in the reader's language: each role's menu pages, read in Kazakh
and in English, show none of the Russian interface strings the catalogs translate.

User data (names of people, organisations, what a trainee wrote) stays as typed, so the test
looks for the catalog's own Russian phrases, not for Cyrillic as such: a phrase of two words or
more whose translation differs from it must not appear on a kk or en page.
"""

import html
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.demo import DEMO_PASSWORD, load_world
from app.extensions import db
from app.models import User
from tests.browser.steps import DEMO_ACCOUNTS

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = DEMO_ACCOUNTS
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")


def _russian_phrases(language: str) -> set[str]:
    """The catalog's Russian phrases (placeholders cut out) whose translation is another text."""
    path = ROOT / "app" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=language)
    phrases = set()
    for message in catalog:
        if not message.id or message.pluralizable:
            continue
        translated = message.string if isinstance(message.string, str) else ""
        for part in PLACEHOLDER.split(message.id):
            part = " ".join(part.split()).strip(" .,:;·—–-()«»\"'")
            if len(part) >= 12 and len(part.split()) >= 2 and part not in translated:
                phrases.add(part)
    return phrases


def _visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(page).split())


def _menu_paths(page: str) -> list[str]:
    menu = page.split('class="menu menu--phone"', 1)[-1].split("</nav>", 1)[0]
    return list(dict.fromkeys(re.findall(r'href="(/[^"#?]*)', menu)))


@pytest.mark.parametrize("language", ["kk", "en"])
def test_no_russian_interface_phrase_on_any_menu_page(app, client, language):
    load_world("small")
    db.session.commit()
    phrases = _russian_phrases(language)
    assert len(phrases) > 300, "the catalog should hold many phrases to look for"
    found = {}
    for email in ACCOUNTS:
        user = db.session.query(User).filter_by(email=email).one()
        user.locale = language
        db.session.commit()
        assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}
                           ).status_code == 302
        home = client.get("/").get_data(as_text=True)
        paths = ["/", *_menu_paths(home)]
        assert len(paths) > 2, f"no menu found for {email}"
        for path in paths:
            response = client.get(path, follow_redirects=True)
            assert response.status_code == 200, (email, path)
            text = _visible_text(response.get_data(as_text=True))
            left = sorted(p for p in phrases if p in text)
            if left:
                found[(email, path)] = left[:5]
        client.post("/logout")
    assert not found, f"Russian left on {language} pages: {found}"


SKIP_LINK = re.compile(
    r"/(logout|static)/|\.(pdf|xlsx|csv|zip|jpg|png|webp)$|/(export|download|result)\b")


def _object_paths(page: str, seen_patterns: set[str]) -> list[str]:
    """One link per kind of page (ids replaced) from the page's main content."""
    main = page.split("<main", 1)[-1].split("</main>", 1)[0]
    paths = []
    for path in dict.fromkeys(re.findall(r'href="(/[^"#?]*)', main)):
        pattern = re.sub(r"\d+", "N", path)
        if pattern in seen_patterns or SKIP_LINK.search(path):
            continue
        seen_patterns.add(pattern)
        paths.append(path)
    return paths


@pytest.mark.parametrize("language", ["kk", "en"])
def test_no_russian_interface_phrase_on_the_pages_lists_lead_to(app, client, language):
    """Object pages one step from the menu (a placement, a student, a diary week, a job...)."""
    load_world("small")
    db.session.commit()
    phrases = _russian_phrases(language)
    found, visited = {}, 0
    for email in ACCOUNTS:
        user = db.session.query(User).filter_by(email=email).one()
        user.locale = language
        db.session.commit()
        assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}
                           ).status_code == 302
        home = client.get("/").get_data(as_text=True)
        menu = ["/", *_menu_paths(home)]
        patterns = {re.sub(r"\d+", "N", p) for p in menu}
        for path in menu:
            page = client.get(path, follow_redirects=True).get_data(as_text=True)
            for target in _object_paths(page, patterns):
                response = client.get(target, follow_redirects=True)
                if response.mimetype != "text/html":
                    continue
                assert response.status_code == 200, (email, target)
                visited += 1
                left = sorted(p for p in phrases if p in _visible_text(response.get_data(
                    as_text=True)))
                if left:
                    found[(email, target)] = left[:5]
        client.post("/logout")
    assert visited > 20, f"only {visited} object pages reached"
    assert not found, f"Russian left on {language} pages: {found}"
