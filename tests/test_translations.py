"""Languages: every user-facing string is in the catalogs, and the catalogs are used."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from app import ROOT
from app.extensions import db
from tests import builders

TRANSLATIONS = ROOT / "app" / "translations"


def _ids(path: Path) -> set[str]:
    with path.open("rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


def _extract(pot: Path) -> str:
    """Run the extraction exactly as `make translations` does; return its log of files read."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    flags = re.search(r"^EXTRACT_FLAGS = (.+)$", makefile, re.MULTILINE)
    assert flags, "the Makefile no longer defines EXTRACT_FLAGS"
    done = subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", *shlex.split(flags.group(1)),
         "-o", str(pot), "."],
        check=True, cwd=ROOT, capture_output=True, text=True,
    )
    return done.stdout + done.stderr


def test_every_template_and_python_file_is_extracted(tmp_path):
    log = _extract(tmp_path / "messages.pot")
    read = set(re.findall(r"^extracting messages from (\S+)", log, re.MULTILINE))
    files = [p.relative_to(ROOT).as_posix()
             for folder, pattern in (("app", "*.py"), ("templates", "*.html"))
             for p in (ROOT / folder).rglob(pattern) if "__pycache__" not in p.parts]
    assert any(f.startswith("templates/_macros/") for f in files)
    missed = sorted(set(files) - read)
    assert not missed, f"outside extraction (babel.cfg / Makefile EXTRACT_FLAGS): {missed[:10]}"


def test_every_string_in_the_code_is_in_every_catalog(tmp_path):
    pot = tmp_path / "messages.pot"
    _extract(pot)
    in_code = _ids(pot)
    assert in_code, "extraction found no strings"
    for language in ("ru", "kk", "en"):
        missing = in_code - _ids(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
        assert not missing, f"{language}: run `make translations`; missing {sorted(missing)[:10]}"


def test_kazakh_and_english_pages(client, login_as):
    user = builders.student()
    db.session.commit()
    login_as(user)
    client.post("/language", data={"language": "kk", "next": "/"})
    assert "Басты бет" in client.get("/").get_data(as_text=True)
    client.post("/language", data={"language": "en", "next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert "My practice" in page
    assert "Sign out" in page
