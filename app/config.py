"""Configuration from the environment and the instance folder."""

import os
import secrets
from datetime import timedelta
from pathlib import Path


def database_url(raw: str | None, instance_path: Path) -> str:
    """Return an SQLAlchemy URL; plain postgres URLs are sent through psycopg 3."""
    if not raw:
        return f"sqlite:///{instance_path / 'shakirt.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def secret_key(instance_path: Path) -> str:
    """Read the secret key from the environment, else from a file made on first run."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def ratelimit_storage() -> str:
    """Where rate-limit counters live: RATELIMIT_STORAGE_URI, else REDIS_URL, else memory.

    Memory is per process: with several gunicorn workers every worker counts on its own, so
    production refuses it (see `check_production`)."""
    return (os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL")
            or "memory://")


def check_production(config) -> None:
    """Refuse to start a production app whose rate limits would not mean what they say."""
    if config.get("SHAKIRT_ENV") != "production":
        return
    if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory"):
        raise RuntimeError(
            "SHAKIRT_ENV=production needs shared rate-limit storage: set RATELIMIT_STORAGE_URI "
            "(or REDIS_URL), e.g. redis://127.0.0.1:6379/0. In-memory counters are per worker."
        )


def base_config(instance_path: Path) -> dict:
    """The settings every environment starts from."""
    environment = os.environ.get("SHAKIRT_ENV", "development")
    production = environment == "production"
    return {
        "SHAKIRT_ENV": environment,
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("DATABASE_URL"), instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", 5 * 1024 * 1024)),
        # Uploaded files (app/files): a folder under instance/ (local) or an S3-compatible bucket
        # (s3: FILES_S3_BUCKET, optional FILES_S3_ENDPOINT_URL / _REGION / _PREFIX; credentials
        # from boto3's usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
        "FILES_BACKEND": os.environ.get("FILES_BACKEND", "local"),
        "FILES_DIR": os.environ.get("FILES_DIR", str(instance_path / "files")),
        "FILES_S3_BUCKET": os.environ.get("FILES_S3_BUCKET", ""),
        "FILES_S3_ENDPOINT_URL": os.environ.get("FILES_S3_ENDPOINT_URL"),
        "FILES_S3_REGION": os.environ.get("FILES_S3_REGION"),
        "FILES_S3_PREFIX": os.environ.get("FILES_S3_PREFIX", ""),
        # Evidence on a diary entry: bytes per file (never above MAX_CONTENT_LENGTH), files per
        # entry, the pixels a photo may decode to, the longest side kept after re-encoding.
        "ATTACHMENT_MAX_BYTES": int(os.environ.get("ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)),
        "ATTACHMENT_MAX_PER_ENTRY": int(os.environ.get("ATTACHMENT_MAX_PER_ENTRY", 5)),
        "ATTACHMENT_MAX_PIXELS": int(os.environ.get("ATTACHMENT_MAX_PIXELS", 50_000_000)),
        "ATTACHMENT_MAX_SIDE": int(os.environ.get("ATTACHMENT_MAX_SIDE", 2048)),
        "ATTACHMENT_THUMB_SIDE": int(os.environ.get("ATTACHMENT_THUMB_SIDE", 320)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env_flag("SECURE_COOKIES", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": env_flag("SECURE_COOKIES", production),
        "REMEMBER_COOKIE_DURATION": timedelta(days=int(os.environ.get("REMEMBER_DAYS", 30))),
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none;
        # the socket's address is the client's). Only trust as many as really are there.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", 0)),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_STORAGE_URI": ratelimit_storage(),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Requests per API token (or per address without one), in flask-limiter's notation.
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "300 per minute"),
        # Wrong passwords per account and address; and per address over all accounts.
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per 15 minutes"),
        "LOGIN_ADDRESS_RATE_LIMIT": os.environ.get("LOGIN_ADDRESS_RATE_LIMIT",
                                                   "100 per 15 minutes"),
        # Password reset links: hours they work; requests per address typed and per client.
        "RESET_HOURS": int(os.environ.get("RESET_HOURS", 2)),
        "RESET_RATE_LIMIT": os.environ.get("RESET_RATE_LIMIT", "3 per hour"),
        "RESET_ADDRESS_RATE_LIMIT": os.environ.get("RESET_ADDRESS_RATE_LIMIT", "20 per hour"),
        # Reset links handed over in person: per person, and per issuer over all people.
        "RESET_ISSUE_RATE_LIMIT": os.environ.get("RESET_ISSUE_RATE_LIMIT", "3 per hour"),
        "RESET_ISSUER_RATE_LIMIT": os.environ.get("RESET_ISSUER_RATE_LIMIT", "30 per hour"),
        # Wrong second-factor codes per account and address; per address over all accounts.
        "TOTP_RATE_LIMIT": os.environ.get("TOTP_RATE_LIMIT", "5 per 15 minutes"),
        "TOTP_ADDRESS_RATE_LIMIT": os.environ.get("TOTP_ADDRESS_RATE_LIMIT", "50 per 15 minutes"),
        # Roles that must sign in with a second factor (comma-separated; `admin` in production).
        "TWO_FACTOR_REQUIRED_ROLES": tuple(filter(None, os.environ.get(
            "TWO_FACTOR_REQUIRED_ROLES", "admin" if production else "").replace(" ", "")
            .split(","))),
        # How long the password step of a two-factor sign-in waits for its code.
        "TOTP_PENDING_MINUTES": int(os.environ.get("TOTP_PENDING_MINUTES", 10)),
        "BABEL_DEFAULT_LOCALE": "ru",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Asia/Almaty"),
        "LANGUAGES": ["ru", "kk", "en"],
        "PAGE_SIZE": 25,
        "INVITATION_DAYS": int(os.environ.get("INVITATION_DAYS", 14)),
        "MENTOR_TRAINEE_CAP": int(os.environ.get("MENTOR_TRAINEE_CAP", 8)),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 587)),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "noreply@shakirt.local"),
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", ""),
        "PROGRESS_IDLE_DAYS": int(os.environ.get("PROGRESS_IDLE_DAYS", 14)),
        "PROGRESS_WAITING_DAYS": int(os.environ.get("PROGRESS_WAITING_DAYS", 7)),
        "PROGRESS_BEHIND_PERCENT": int(os.environ.get("PROGRESS_BEHIND_PERCENT", 15)),
        # How far ahead an absence may be recorded (planned leave), in days.
        "ABSENCE_HORIZON_DAYS": int(os.environ.get("ABSENCE_HORIZON_DAYS", 14)),
        # The planned share of study time at the enterprise (Ministry, 2025: up to 60%).
        "PRACTICAL_SHARE_PLAN_PERCENT": int(os.environ.get("PRACTICAL_SHARE_PLAN_PERCENT", 60)),
        # The review queue: an entry waiting this many days turns amber, then red.
        "REVIEW_AMBER_DAYS": int(os.environ.get("REVIEW_AMBER_DAYS", 3)),
        "REVIEW_RED_DAYS": int(os.environ.get("REVIEW_RED_DAYS", 7)),
        # How long the foreman who signed an entry may take the signature back.
        "SIGN_OFF_UNDO_MINUTES": int(os.environ.get("SIGN_OFF_UNDO_MINUTES", 5)),
        # Background jobs (app/jobs): RQ on Redis when REDIS_URL is set, else a thread in-process.
        "REDIS_URL": os.environ.get("REDIS_URL"),
        "JOBS_MODE": os.environ.get("JOBS_MODE"),  # rq | thread | sync; None: chosen by REDIS_URL
        "JOBS_QUEUE": os.environ.get("JOBS_QUEUE", "shakirt"),
        "JOB_TIMEOUT": int(os.environ.get("JOB_TIMEOUT", 3600)),
        "JOB_RESULTS_DIR": os.environ.get("JOB_RESULTS_DIR", str(instance_path / "job-results")),
        "JOB_RESULT_DAYS": int(os.environ.get("JOB_RESULT_DAYS", 7)),
        "OUTBOX_MAX_ATTEMPTS": int(os.environ.get("OUTBOX_MAX_ATTEMPTS", 5)),
        # Schedules of the RQ cron scheduler (`flask jobs scheduler`), cron syntax in UTC.
        "SCHEDULE_MENTOR_DIGEST": os.environ.get("SCHEDULE_MENTOR_DIGEST", "0 3 * * 1-5"),
        "SCHEDULE_PROGRESS_ALERTS": os.environ.get("SCHEDULE_PROGRESS_ALERTS", "0 2 * * *"),
        "SCHEDULE_OUTBOX_SECONDS": int(os.environ.get("SCHEDULE_OUTBOX_SECONDS", 60)),
        # Logs: JSON lines with the request id in production, readable text elsewhere; one
        # line per request (method, path, endpoint, status, duration, user) when LOG_REQUESTS.
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "json" if production else "text"),
        "LOG_REQUESTS": env_flag("LOG_REQUESTS", production),
    }
