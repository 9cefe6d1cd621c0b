"""The people of the load bench, for locust: five roles signed in through the login form, and a
"hello" user for the floor. Started by bench/load.py, which lists the accounts and serves the app;
run by hand only as it does:

    locust -f bench/load_users.py --headless -t 2m -u 50 -r 10 --host http://127.0.0.1:8000 \
        --accounts accounts.json --think-min 5 --think-max 15 StudentUser MentorUser ...

The accounts file is {"accounts": {role: [e-mail, …]}, "sessions": {e-mail: [cookie, …]}}.
Refuses a host that is not this machine and a run without a time limit. Each user takes an
account of its own (in turn from the list) and signs in through the form with the demo
password, or, with --reuse-sessions, starts from the session signed in before the run.
"""

import itertools
import json
import random
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

from load_rules import MIX, loopback_refusal
from locust import HttpUser, events, task

PASSWORD = "demo12345"  # noqa: S105  # nosec B105  # the demo world's documented password
ACTIVITY = ("Сварка стыков труб под руководством наставника, контроль швов, уборка рабочего "
            "места.")


@events.init_command_line_parser.add_listener
def _options(parser):
    parser.add_argument("--accounts", default="", help="JSON file of accounts and sessions")
    parser.add_argument("--think-min", type=float, default=5.0, help="seconds between actions")
    parser.add_argument("--think-max", type=float, default=15.0)
    parser.add_argument("--reuse-sessions", action="store_true",
                        help="start from the sessions signed in beforehand (the file's "
                             "`sessions`), signing in through the form only without one")
    parser.add_argument("--spawned-file", default="",
                        help="touched when every user is started (and the stats are reset)")


_ACCOUNTS: dict[str, list[str]] = {}
_SESSIONS: dict[str, list[dict[str, str]]] = {}
_TURNS: dict[str, itertools.count] = {}
_SPAWNED: dict[str, str] = {}


@events.init.add_listener
def _guard(environment, **_kwargs):
    options = environment.parsed_options
    if options is None:
        return
    refusal = loopback_refusal(options.host)
    if refusal is None and not options.run_time:
        refusal = "give a run time (-t): this bench is bounded"
    if refusal:
        raise SystemExit(f"load_users: {refusal}")
    _SPAWNED["file"] = options.spawned_file
    if options.accounts:
        with open(options.accounts, encoding="utf-8") as file:
            listed = json.load(file)
        _ACCOUNTS.update(listed["accounts"])
        if options.reuse_sessions:
            _SESSIONS.update(listed.get("sessions", {}))


@events.spawning_complete.add_listener
def _spawned(user_count, **_kwargs):
    path = _SPAWNED.get("file")
    if path:
        with open(path, "w", encoding="utf-8") as file:
            file.write(str(user_count))


def next_account(role: str) -> str:
    """The next account of the role, in turn: distinct while there are more accounts than users."""
    accounts = _ACCOUNTS.get(role) or []
    if not accounts:
        raise RuntimeError(f"no {role} accounts in --accounts")
    turn = next(_TURNS.setdefault(role, itertools.count()))
    return accounts[turn % len(accounts)]


class Forms(HTMLParser):
    """The forms of a page: action, class and the fields a browser would send (no buttons)."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "class": a.get("class", ""),
                          "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self._form["fields"][a["name"]] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["fields"][self._textarea] = ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select:
            fields = self._form["fields"]
            if self._select not in fields or "selected" in a:
                fields[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def first(self, action_prefix: str = "", css: str = "") -> dict | None:
        for form in self.forms:
            if form["action"].startswith(action_prefix) and css in form["class"]:
                return form
        return None


class SignedInUser(HttpUser):
    """Signs in through the real form (CSRF token from the page), then acts with think time."""

    abstract = True
    role = ""

    def wait_time(self):
        options = self.environment.parsed_options
        return random.uniform(options.think_min, options.think_max)

    def on_start(self):
        self.email = next_account(self.role)
        if self.email in _SESSIONS:  # signed in through the form before the run
            for cookie in _SESSIONS[self.email]:
                self.client.cookies.set(**cookie)
            return
        page = self.client.get("/login", name="GET /login")
        forms = [f["fields"] for f in Forms(page.text).forms if "csrf_token" in f["fields"]]
        login = next((f for f in forms if "email" in f), forms[0] if forms else {})
        token = login.get("csrf_token", "")
        with self.client.post("/login", name="POST /login", allow_redirects=False,
                              data={"csrf_token": token, "email": self.email,
                                    "password": PASSWORD, "next": ""},
                              catch_response=True) as response:
            if response.status_code != 302 or "/login" in response.headers.get("Location", ""):
                response.failure(f"sign-in of {self.email} refused ({response.status_code})")

    def page(self, path: str, name: str | None = None):
        """GET a page; a redirect to the login form or any status but 200 is a failure."""
        with self.client.get(path, name=name or path, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif "/login" in urlsplit(response.url).path:
                response.failure("signed out")
            return response

    def send(self, action: str, fields: dict, name: str):
        """POST a form as a browser does; the app answers a done action with a redirect."""
        with self.client.post(action, data=fields, name=name, allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code not in (302, 303):
                response.failure(f"status {response.status_code}")


class StudentUser(SignedInUser):
    """Looks at the diary week and home; writes today's hours as a draft, sometimes sends them."""

    role = "student"
    weight = MIX["student"]

    def on_start(self):
        super().on_start()
        response = self.client.get("/diary", name="GET /diary (to the week)",
                                   allow_redirects=False)
        self.diary = response.headers.get("Location", "/diary") \
            if response.status_code == 302 else None

    @task(4)
    def diary_week(self):
        if self.diary:
            self.page(self.diary, "/diary/[placement]")

    @task(2)
    def home(self):
        self.page("/", "/ (student)")

    @task(3)
    def write_day(self):
        self._write(submit=False)

    @task(1)
    def send_day(self):
        self._write(submit=True)

    def _write(self, submit: bool):
        if not self.diary:
            return
        page = self.page(self.diary, "/diary/[placement]")
        form = Forms(page.text).first("/diary/", "diary-week") if page.ok else None
        if form is None:
            return  # nothing open to write this week
        fields = dict(form["fields"])
        days = sorted(k[:-len("-work_date")] for k in fields if k.endswith("-work_date"))
        if not days:
            return
        blank = [d for d in days if not fields.get(f"{d}-hours")]
        day = (blank or days)[-1]
        fields[f"{day}-hours"] = "6"
        fields[f"{day}-activity"] = ACTIVITY
        if submit:
            fields["submit_day"] = fields[f"{day}-work_date"] or date.today().isoformat()
        else:
            fields["save"] = "y"
        self.send(form["action"], fields, "POST /diary/[placement] (send a day)" if submit
                  else "POST /diary/[placement] (save draft)")


class MentorUser(SignedInUser):
    """Works through the review queue: looks, signs the oldest entry; home and progress."""

    role = "mentor"
    weight = MIX["mentor"]

    @task(4)
    def queue(self):
        self.page("/review", "/review")

    @task(2)
    def sign(self):
        page = self.page("/review", "/review")
        form = Forms(page.text).first("/review/entries/") if page.ok else None
        if form is not None:
            self.send(form["action"], {**form["fields"], "approve": "y"},
                      "POST /review/entries/[id] (sign)")

    @task(2)
    def home(self):
        self.page("/", "/ (mentor)")

    @task(1)
    def progress(self):
        self.page("/progress", "/progress (mentor)")


class CoordinatorUser(SignedInUser):
    """Students, placements, the progress board and home of one college."""

    role = "coordinator"
    weight = MIX["coordinator"]

    @task(2)
    def students(self):
        self.page("/students", "/students")

    @task(2)
    def placements(self):
        self.page("/placements/", "/placements/")

    @task(2)
    def progress(self):
        self.page("/progress", "/progress (coordinator)")

    @task(2)
    def home(self):
        self.page("/", "/ (coordinator)")


class EmployerUser(SignedInUser):
    """The enterprise's outcomes and home."""

    role = "employer"
    weight = MIX["employer"]

    @task(2)
    def outcomes(self):
        self.page("/outcomes/", "/outcomes/ (employer)")

    @task(2)
    def home(self):
        self.page("/", "/ (employer)")


class AdminUser(SignedInUser):
    """The regional department's dashboard."""

    role = "admin"
    weight = MIX["admin"]

    @task
    def dashboard(self):
        self.page("/dashboard/", "/dashboard/ (admin)")


class HelloUser(HttpUser):
    """The floor: the same profile against a bare Flask "hello" under the same gunicorn."""

    def wait_time(self):
        options = self.environment.parsed_options
        return random.uniform(options.think_min, options.think_max)

    @task
    def hello(self):
        self.client.get("/", name="hello")
