"""gunicorn's settings: `gunicorn -c config/gunicorn.py config.wsgi`.

The access log goes to standard output through a logger that takes secrets out of every
line (config/access_log.py, SECURITY AU3): API keys and tokens in query strings, tracking
codes in paths, credentials in headers, e-mail addresses and phone numbers.
"""

import os

bind = "0.0.0.0:8000"  # the command line's --bind overrides it
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = "-"
errorlog = "-"
logger_class = "config.access_log.RedactingLogger"
