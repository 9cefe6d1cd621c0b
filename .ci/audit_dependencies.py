"""pip-audit of the lock file: fails on a known vulnerability; skips, saying why, when the
advisory service can't be reached or knows none of the packages (a PyPI mirror without its
JSON API answers "not found" for every one)."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        requirements, report = Path(scratch) / "requirements.txt", Path(scratch) / "audit.json"
        subprocess.run([ROOT / ".tools" / "bin" / "uv", "export", "--frozen", "--no-hashes",
                        "--no-emit-project", "--format", "requirements-txt", "-o", requirements],
                       check=True, cwd=ROOT, capture_output=True)
        done = subprocess.run(
            [BIN / "pip-audit", "-r", requirements, "--no-deps", "--disable-pip",
             "--progress-spinner", "off", "-f", "json", "-o", report],
            cwd=ROOT, capture_output=True, text=True, timeout=600)
        if not report.exists():
            last = done.stderr.strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
            print(f"pip-audit skipped: the advisory service could not be reached ({last[0]})")
            return 0
        dependencies = json.loads(report.read_text())["dependencies"]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    audited = [d for d in dependencies if "skip_reason" not in d]
    for d in vulnerable:
        for v in d["vulns"]:
            fixed = ", ".join(v["fix_versions"]) or "no release yet"
            print(f"{d['name']} {d['version']}: {v['id']} (fixed in {fixed})")
    if vulnerable:
        return 1
    if not audited:
        reason = dependencies[0]["skip_reason"] if dependencies else "no dependencies"
        print(f"pip-audit skipped: the advisory service knows none of the {len(dependencies)} "
              f"packages of the lock file (e.g. {reason})")
        return 0
    print(f"pip-audit: {len(audited)} packages audited, no known vulnerability "
          f"({len(dependencies) - len(audited)} not known to the service)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
