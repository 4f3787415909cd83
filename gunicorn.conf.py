"""gunicorn settings for `make serve` (ProductionConfig on PostgreSQL).

Every value can be overridden from the environment: WEB_CONCURRENCY (workers, default two per
core plus one), PORT / BIND, GUNICORN_TIMEOUT. Workers are stateless: sessions are signed
cookies, rate-limit and lockout counters live in Redis (RATELIMIT_STORAGE_URI), uploads in
UPLOAD_DIR, so any number of them, on any number of machines, can serve the same users. Long
work (imports, large label sheets, reports) does not run here but on the job workers
(`flask jobs worker`, app/worker.py), which `make serve` starts beside gunicorn: recycling a web
worker (max_requests, below) or killing it never stops a job. The app
logs one JSON line per request itself, so gunicorn's access log stays off and its own messages
go out as JSON too.
"""

import multiprocessing
import os

from gunicorn import glogging

bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))  # large IFC uploads and PDF exports
graceful_timeout = 30
keepalive = 5
# The app is built once in the master and the workers are forked from it: a worker starts
# in milliseconds, shares the master's memory for code and translations, and recycling one
# (below) costs a fork instead of a whole app start on the CPU the other workers serve from.
preload_app = True
# Recycle workers now and then so a slow leak in a C library never grows unbounded.
max_requests = 5000
max_requests_jitter = 500
# Behind a load balancer that terminates TLS: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None


class Logger(glogging.Logger):
    """gunicorn's logger, without the access line's work when there is no access log:
    gunicorn would still gather every field of it for each request, because a logging
    configuration is given (logconfig_dict, below)."""

    def access(self, resp, req, environ, request_time):
        if self.cfg.accesslog:
            super().access(resp, req, environ, request_time)


logger_class = Logger
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "app.logs.JsonFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}


def post_fork(server, worker):
    """A new worker drops the database connections it inherited from the master (the master
    has opened none when it only built the app, but a pool is never shared across a fork)."""
    from app.database import after_fork

    after_fork(getattr(server.app, "callable", None))
