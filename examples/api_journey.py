"""Three jobs other systems do with Shakirt's API, from the command line (standard library only).

    python examples/api_journey.py --base http://127.0.0.1:5000 --token "$MENTOR" \
        sign-week --placement 1 --week 2026-11-23
    python examples/api_journey.py --base … --token "$ENTERPRISE_SYSTEM" \
        hire --outcome 12 --position "Сварщик" --hired-on 2026-07-01
    python examples/api_journey.py --base … --token "$ADMIN" figures --year 2025

`sign-week`: a foreman's token signs every submitted entry of a trainee's week, each at the
version it was read at (`If-Match`), each POST with its own `Idempotency-Key` so a retry signs
nothing twice. `hire`: an enterprise's system token records the hire of its graduate at the
outcome's current `ETag`. `figures`: an admin's token reads the region's dashboard figures.
Every answer that is not a success is printed as the API's problem details, in the language
asked for (`--lang`), and the script exits with 1.
"""

import argparse
import json
import sys
import uuid
from datetime import date, timedelta
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen


class Problem(Exception):
    """An answer of the API that is not a success: its status and problem-details body."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status} {body.get('title', '')}: {body.get('detail', '')}")
        self.status, self.body = status, body


class Api:
    def __init__(self, base: str, token: str, lang: str = "ru") -> None:
        self.root = base.rstrip("/") + "/api/v1"
        self.headers = {"Authorization": f"Bearer {token}", "Accept-Language": lang}

    def call(self, method: str, path: str, body: dict | None = None,
             **headers: str) -> tuple[dict[str, Any], dict[str, str]]:
        data = json.dumps(body).encode() if body is not None else None
        request = Request(self.root + path, data=data, method=method,  # noqa: S310 - http(s) only
                          headers={**self.headers, **headers,
                                   **({"Content-Type": "application/json"} if data else {})})
        try:
            with urlopen(request, timeout=30) as response:  # noqa: S310 - the base URL given
                return json.loads(response.read() or b"{}"), dict(response.headers)
        except HTTPError as error:
            try:
                problem = json.loads(error.read() or b"{}")
            except ValueError:
                problem = {"title": error.reason}
            raise Problem(error.code, problem) from None

    def get(self, path: str, **query: Any) -> tuple[dict[str, Any], dict[str, str]]:
        query = {k: v for k, v in query.items() if v is not None}
        return self.call("GET", path + (f"?{urlencode(query)}" if query else ""))

    def post(self, path: str, body: dict | None = None, **headers: str) -> dict[str, Any]:
        return self.call("POST", path, body, **{"Idempotency-Key": str(uuid.uuid4()),
                                                 **headers})[0]


def sign_week(api: Api, placement_id: int, monday: date) -> list[dict[str, Any]]:
    """Sign every submitted entry of the placement's week; the entries as signed."""
    entries, cursor = [], None
    while True:
        page, _ = api.get("/diary-entries", placement_id=placement_id, status="submitted",
                          **{"from": monday.isoformat(),
                             "to": (monday + timedelta(days=6)).isoformat()},
                          limit=100, cursor=cursor)
        entries += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return [api.post(f"/diary-entries/{entry['id']}/approve",
                     **{"If-Match": f'"{entry["version"]}"'}) for entry in entries]


def record_hire(api: Api, outcome_id: int, position: str, hired_on: date) -> dict[str, Any]:
    """Record the hire of a graduate at the outcome's state as read now (its ETag)."""
    _, headers = api.get(f"/outcomes/{outcome_id}")
    return api.post(f"/outcomes/{outcome_id}/hire",
                    {"position": position, "hired_on": hired_on.isoformat()},
                    **{"If-Match": headers.get("ETag", "*")})


def regional_figures(api: Api, year: int | None = None) -> list[dict[str, Any]]:
    """The dashboard's figures (the region's, for an admin), optionally for one year."""
    return api.get("/dashboard", year=year)[0]["figures"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    parser.add_argument("--token", required=True)
    parser.add_argument("--lang", default="ru", choices=["ru", "kk", "en"])
    jobs = parser.add_subparsers(dest="job", required=True)
    week = jobs.add_parser("sign-week")
    week.add_argument("--placement", type=int, required=True)
    week.add_argument("--week", type=date.fromisoformat, required=True,
                      help="any day of the week (YYYY-MM-DD)")
    hire = jobs.add_parser("hire")
    hire.add_argument("--outcome", type=int, required=True)
    hire.add_argument("--position", required=True)
    hire.add_argument("--hired-on", type=date.fromisoformat, required=True)
    figures = jobs.add_parser("figures")
    figures.add_argument("--year", type=int)
    args = parser.parse_args(argv)
    api = Api(args.base, args.token, args.lang)
    try:
        if args.job == "sign-week":
            monday = args.week - timedelta(days=args.week.weekday())
            result: Any = sign_week(api, args.placement, monday)
        elif args.job == "hire":
            result = record_hire(api, args.outcome, args.position, args.hired_on)
        else:
            result = regional_figures(api, args.year)
    except Problem as problem:
        print(json.dumps(problem.body, ensure_ascii=False, indent=2), file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
