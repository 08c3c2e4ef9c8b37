"""The WSGI entry point: `gunicorn web.wsgi:app`.

Building the app on import is right here (and only here): gunicorn imports this
module once per worker at start-up, after forking, so every worker gets its own
connection pools.
"""

from settings import Settings
from web import create_app

app = create_app(Settings.from_env())
