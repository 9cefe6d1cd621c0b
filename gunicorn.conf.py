"""gunicorn settings for Shakirt (`gunicorn -c gunicorn.conf.py wsgi:app`); each can be changed by
the environment variable named beside it. See the README's production layout."""

import multiprocessing
import os
import tempfile

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Sync workers: the pages are short and CPU-bound; long work goes to the job worker.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak never grows; jitter keeps them from all going at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
control_socket_disable = True
accesslog = None  # the app logs one structured line per request itself (LOG_REQUESTS)
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Prometheus: workers record into one folder, the master serves them on METRICS_BIND.
METRICS_BIND = os.environ.get("METRICS_BIND", "127.0.0.1:9200")
if METRICS_BIND != "off":
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR",
                          tempfile.mkdtemp(prefix=f"shakirt-metrics-{os.getpid()}-"))


def when_ready(server):
    if METRICS_BIND != "off":
        from app.observability import serve_metrics

        serve_metrics(METRICS_BIND)
        server.log.info("Metrics on http://%s/metrics", METRICS_BIND)


def child_exit(server, worker):
    if METRICS_BIND != "off":
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
