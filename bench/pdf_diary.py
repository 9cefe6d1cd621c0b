"""Benchmark: a 600-entry practice diary through the app's pipeline vs bare WeasyPrint.

Run on demand:  .venv/bin/python bench/pdf_diary.py [--entries 600] [--runs 3]

"app" is end to end: load the placement and its entries, build the content, issue the code,
render the template and the PDF through `app.documents.render` (locked-down fetcher).
"bare" is WeasyPrint's own `HTML(string=...).write_pdf()` of the same HTML with its default
fetcher. Both are warmed up once and run alternately; the best runs are compared (the machine's
noise only ever adds time), medians shown beside them, on the wall clock and as this process's
CPU time (which a busy machine disturbs far less). Target: app ≤ 1.2 × bare.
"""

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from weasyprint import HTML  # noqa: E402

from app import create_app  # noqa: E402
from app.documents import queries  # noqa: E402
from app.documents.content import diary_content  # noqa: E402
from app.documents.printing import Stamp, document_html  # noqa: E402
from app.documents.render import render_pdf  # noqa: E402
from app.documents.services import issue_document  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Base, DocumentKind  # noqa: E402
from tests import builders_documents as bd  # noqa: E402


def app_render(placement_id: int) -> tuple[bytes, str]:
    """The app's whole path from the records to PDF bytes; returns the PDF and its HTML."""
    placement = queries.placement_for_document(placement_id)
    entries = queries.approved_entries([placement_id])[placement_id]
    content = diary_content(placement, entries)
    stamp = Stamp.of(issue_document(DocumentKind.DIARY, content, "ru", None, placement_id))
    db.session.commit()
    html, qr = document_html(content, stamp, "ru")  # what document_pdf does, keeping the HTML
    return render_pdf(html, data_uris=[qr]), html


def bare_render(html: str, static_folder: Path) -> bytes:
    """WeasyPrint alone on the same HTML, its static links pointed at the files on disk."""
    local = html.replace('href="/static/', f'href="{static_folder.as_uri()}/')
    return HTML(string=local).write_pdf()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=600)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({
            "TESTING": True, "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
        })
        with app.app_context(), app.test_request_context():
            Base.metadata.create_all(db.engine)
            placement = bd.kazakh_placement(required_hours=args.entries * 8)
            bd.approved_entries(placement, args.entries, hours=8,
                                activity="Сборка и сварка металлоконструкций по чертежу, "
                                         "контроль швов, уборка рабочего места")
            db.session.commit()
            static = Path(app.static_folder or "")

            pdf, html = app_render(placement.id)  # warm-up: fonts, templates, caches
            bare_render(html, static)
            app_times, bare_times, app_cpu, bare_cpu = [], [], [], []
            for _ in range(args.runs):
                start, cpu = time.perf_counter(), time.process_time()
                pdf, html = app_render(placement.id)
                app_times.append(time.perf_counter() - start)
                app_cpu.append(time.process_time() - cpu)
                start, cpu = time.perf_counter(), time.process_time()
                bare = bare_render(html, static)
                bare_times.append(time.perf_counter() - start)
                bare_cpu.append(time.process_time() - cpu)
            db.engine.dispose()

    print(f"diary: {args.entries} entries, {_pages(pdf)} pages, {len(pdf) // 1024} KiB "
          f"(bare {len(bare) // 1024} KiB), {args.runs} runs")
    for clock, app_t, bare_t in (("wall", app_times, bare_times), ("cpu", app_cpu, bare_cpu)):
        for name, times in (("app render (end to end)", app_t), ("bare WeasyPrint", bare_t)):
            print(f"{clock:<4} {name:<24} best {min(times):6.2f} s, median "
                  f"{statistics.median(times):6.2f} s  (runs: "
                  + ", ".join(f"{t:.2f}" for t in times) + ")")
        print(f"{clock:<4} {'ratio app / bare':<24} {min(app_t) / min(bare_t):.2f}×  "
              "(target ≤ 1.20×)")


def _pages(pdf: bytes) -> str:
    tool = shutil.which("pdfinfo")
    if tool is None:
        return "?"
    info = subprocess.run([tool, "-"], input=pdf, capture_output=True, check=False).stdout
    found = re.search(rb"Pages:\s+(\d+)", info)
    return found.group(1).decode() if found else "?"


if __name__ == "__main__":
    main()
