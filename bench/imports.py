"""Time a 5,000-row students import (preview, then confirm) through the real pages.

Run on demand, not in the test suite:

    .venv/bin/python bench/imports.py                                     # SQLite, a temp file
    .venv/bin/python bench/imports.py --postgres postgresql://postgres@127.0.0.1/shakirt_bench

The database given is emptied (its schema rebuilt by the migrations). A college with one
specialty and no groups gets a file of new students in 25 groups the import creates; then the
same file again with changed phones (5,000 updates). Prints seconds and SQL statements per step.
"""

import argparse
import io
import secrets
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import event, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.authentication import hash_password  # noqa: E402
from app.domain.identifiers import make_iin  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import College, Role, Specialty, User  # noqa: E402

PASSWORD = secrets.token_urlsafe(12)  # a throwaway account of a throwaway database


def students_file(rows: int, phone: str) -> bytes:
    lines = ["ФИО;ИИН;Группа;Код специальности;Специальность;Телефон;Дата рождения"]
    for i in range(rows):
        born = date(2004 + i % 3, 1 + i % 12, 1 + i % 28)
        lines.append(f"Студент Номер {i};{make_iin(born, i + 1)};ТМ-{23 + i % 3}-{i % 25 + 1};"
                     f"07151900;Технология машиностроения;{phone};{born:%d.%m.%Y}")
    return "\r\n".join(lines).encode("cp1251")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="a PostgreSQL URL (the database is emptied)")
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    url = args.postgres or f"sqlite:///{folder}/bench.db"
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True,
        "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://", "IMPORT_FOLDER": f"{folder}/imports",
    })
    with app.app_context():
        from flask_migrate import upgrade

        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        college = College(name="Колледж замеров", city="Усть-Каменогорск", bin="000000000000")
        db.session.add(college)
        db.session.flush()
        db.session.add(Specialty(college_id=college.id, code="07151900",
                                 name="Технология машиностроения", qualification="Техник"))
        db.session.add(User(role=Role.COORDINATOR, college_id=college.id, email="bench@x.kz",
                            full_name="Замер", password_hash=hash_password(PASSWORD)))
        db.session.commit()
        statements = []
        event.listen(db.engine, "before_cursor_execute",
                     lambda *a: statements.append(1))
    client = app.test_client()
    client.post("/login", data={"email": "bench@x.kz", "password": PASSWORD})
    for label, phone in (("new", "+7 700 000 00 00"), ("update", "+7 711 111 11 11")):
        data = students_file(args.rows, phone)
        statements.clear()
        started = time.perf_counter()
        page = client.post("/imports/", data={"kind": "students",
                                              "file": (io.BytesIO(data), "s.csv")},
                           content_type="multipart/form-data").get_data(as_text=True)
        preview = time.perf_counter() - started
        preview_statements = len(statements)
        token = page.split('action="/imports/', 1)[1].split("/confirm", 1)[0]
        statements.clear()
        started = time.perf_counter()
        response = client.post(f"/imports/{token}/confirm")
        confirm = time.perf_counter() - started
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        print(f"{url.split(':')[0]:<10} {label:<7} "
              f"{args.rows} rows: preview {preview:.2f} s ({preview_statements} statements), "
              f"confirm {confirm:.2f} s ({len(statements)} statements), "
              f"total {preview + confirm:.2f} s")


if __name__ == "__main__":
    main()
