"""Hostile input never answers 5xx: Hypothesis fills every form and list parameter of the app.

Each role of the demo world crawls its pages from the home page (one URL per endpoint); every
GET form (filters, search boxes) and the list parameters are fuzzed on each page, and every POST
form with fields to fill is submitted with hostile values. FUZZ_EXAMPLES sets the examples per
form (default 20); on PostgreSQL a NUL byte or an out-of-range integer would answer 500.
"""

import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import NotFound

from app.demo import load_world
from app.extensions import db
from tests.conftest import login

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 20))
MAX_PAGES = int(os.environ.get("FUZZ_PAGES", 90))
# Pages per endpoint: the same page in another state carries other forms (a draft, an active).
PER_ENDPOINT = 8
ROLES = ["admin", "coordinator", "employer", "mentor", "student", None]  # None: signed out
ANONYMOUS_START = ["/login", "/password/forgot", "/verify"]
LIST_PARAMETERS = ["q", "page", "sort", "dir", "status", "college", "group", "enterprise",
                   "city", "year", "week", "health", "show", "access", "lang", "code"]
# Submitting these would end the session the crawl runs in.
SKIP_ACTIONS = ("/logout", "/language")
# Rendered documents: their parameters are checked in test_documents; rendering is slow.
SKIP_SUFFIXES = (".pdf", ".zip")
# One request per page with every list parameter hostile at once.
ALL_AT_ONCE = dict(zip(
    LIST_PARAMETERS, ["\x00", "99999999999999999999", "\x00", "desc\x00", "\u202e", "１２",
                      "99999999999999999999", "-1", "%00", "99999", "2026-W99", "²", "\x00",
                      "\x00", "xx", "\x00"], strict=True))

NASTY = [
    "", "\x00", "a\x00b", "%00", "\x1b[31m", "\u202eevil", "\u2066x\u2069", "99999999999999999999",
    "-99999999999999999999", "2147483648", "-1", "0", "１２", "٣", "²", "1_000", "1e309", "NaN",
    "inf", "7,5", "7.25", "-0", "2026-02-30", "0001-01-01", "9999-12-31", "2026-W99", "' OR 1=1--",
    "%", "_", "\\", "<script>", "x" * 5000, "\ud7ff", "e\u0301", "None", "null", "[]", "{}",
]
hostile = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))


@dataclass
class FormSpec:
    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> options (selects)
    fillable: bool = False  # has a field a person types into


class PageParser(HTMLParser):
    """The links and forms of a page."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base
        self.links: list[str] = []
        self.forms: list[FormSpec] = []
        self._form: FormSpec | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.base, a["href"]))
        elif tag == "form":
            self._form = FormSpec((a.get("method") or "get").lower(),
                                  urljoin(self.base, a.get("action") or self.base))
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            kind = (a.get("type") or tag).lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            self._form.fields.setdefault(a["name"], [])
            if kind not in ("hidden", "checkbox", "radio"):
                self._form.fillable = True
            if tag == "select":
                self._select = a["name"]
        elif tag == "option" and self._form is not None and self._select:
            self._form.fields[self._select].append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _local(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _crawl(app: Flask, client, start: list[str]
           ) -> tuple[dict[str, str], list[tuple[str, FormSpec]]]:
    """A few URLs per endpoint reachable from the start, and the forms found on them."""
    adapter = app.url_map.bind("localhost")
    pages: dict[str, str] = {}
    visits: dict[str, int] = {}
    forms: dict[tuple[str, str], tuple[str, FormSpec]] = {}
    queue = list(start)
    seen_urls: set[str] = set()
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        path = url.split("?")[0]
        try:
            endpoint, _ = adapter.match(path, method="GET")
        except NotFound:
            continue
        except Exception:  # noqa: S112  (a POST-only URL or a redirect rule: nothing to read)
            continue
        if visits.get(endpoint, 0) >= PER_ENDPOINT or endpoint == "static" or url in seen_urls:
            continue
        seen_urls.add(url)
        visits[endpoint] = visits.get(endpoint, 0) + 1
        response = client.get(url)
        assert response.status_code < 500, url
        pages.setdefault(endpoint, url)
        if response.mimetype != "text/html" or response.status_code != 200:
            continue
        parser = PageParser(f"http://localhost{url}")
        parser.feed(response.get_data(as_text=True))
        for spec in parser.forms:
            action = _local(spec.action)
            if action is None or action.startswith(SKIP_ACTIONS):
                continue
            try:
                form_endpoint, _ = adapter.match(action.split("?")[0], method=spec.method.upper())
            except Exception:  # noqa: S112
                continue
            forms.setdefault((form_endpoint, spec.method), (action, spec))
        for link in parser.links:
            local = _local(link)
            if (local and not local.startswith(SKIP_ACTIONS)
                    and not local.split("?")[0].endswith(SKIP_SUFFIXES)):
                queue.append(local)
    return pages, list(forms.values())


def _value(draw, options: list[str]):
    if options:
        return draw(st.one_of(st.sampled_from(options), hostile))
    return draw(hostile)


def _fuzz_get(client, url: str, names: list[str]) -> None:
    base = url.split("?")[0]

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data):
        params = {name: data.draw(hostile) for name in
                  data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))}
        response = client.get(f"{base}?{urlencode(params)}")
        assert response.status_code < 500, (base, params)

    run()


def _fuzz_post(client, action: str, spec: FormSpec) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data):
        form = {name: _value(data.draw, options) for name, options in spec.fields.items()}
        response = client.post(action, data=form)
        db.session.rollback()
        assert response.status_code < 500, (action, form)

    run()


@pytest.mark.parametrize("role", ROLES)
def test_hostile_input_never_answers_a_server_error(app, client, role):
    load_world("small", 2025)
    db.session.commit()
    from app.models import User

    user = None
    if role is not None:
        user = db.session.scalar(db.select(User).where(User.email == f"{role}@shakirt.kz"))
        assert login(client, user, "demo12345").status_code == 302
    pages, forms = _crawl(app, client, ["/"] if user else ANONYMOUS_START)
    assert len(pages) >= (5 if user else 3), pages
    for url in pages.values():
        response = client.get(f"{url.split('?')[0]}?{urlencode(ALL_AT_ONCE)}")
        assert response.status_code < 500, url
    for action, spec in forms:
        if spec.method == "get":
            _fuzz_get(client, action, [*spec.fields, "page", "sort", "dir"])
        elif spec.fillable:
            _fuzz_post(client, action, spec)
        if user is not None and client.get("/").status_code != 200:
            # The session was ended: carry on signed in.
            assert login(client, user, "demo12345").status_code == 302


@pytest.mark.parametrize("role", ["admin", "coordinator", None])
def test_hostile_path_values_never_answer_a_server_error(app, client, role):
    """Every GET route with its ids out of range and its tokens and codes hostile."""
    from urllib.parse import quote

    from werkzeug.routing import IntegerConverter

    load_world("small", 2025)
    db.session.commit()
    from app.models import User

    if role is not None:
        user = db.session.scalar(db.select(User).where(User.email == f"{role}@shakirt.kz"))
        assert login(client, user, "demo12345").status_code == 302
    rules = [rule for rule in app.url_map.iter_rules()
             if rule.arguments and "GET" in rule.methods and rule.endpoint != "static"]
    assert len(rules) > 10
    texts = ["\x00", "\u202e", "99999999999999999999", "x" * 600, "..", "%", "１２", "a.b.c"]
    for rule in rules:
        for n, text in enumerate(texts):
            values = {}
            for name in rule.arguments:
                if isinstance(rule._converters[name], IntegerConverter):
                    values[name] = ("99999999999999999999", "2147483648", "0")[n % 3]
                else:
                    values[name] = quote(text, safe="")
            path = rule.rule
            for name, value in values.items():
                path = re.sub(rf"<(?:[^:<>]+:)?{name}>", value, path)
            if path.endswith(SKIP_SUFFIXES):
                continue
            response = client.get(path)
            assert response.status_code < 500, path
