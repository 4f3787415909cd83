"""WSGI entry point for gunicorn: `gunicorn -c gunicorn.conf.py wsgi:app` (see `make serve`).

The environment chooses the configuration (APP_ENV, default production here): production
refuses to start without SECRET_KEY and DATABASE_URL.
"""

import os

from app import create_app

app = create_app(os.environ.get("APP_ENV", "production"))
