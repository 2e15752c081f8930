"""gunicorn's settings: `gunicorn config.wsgi -c config/gunicorn.py --workers 2 --bind …`.

The access log goes to standard output, without partners' private-link tokens (see
config/log_redaction.py), with the worker's process id at the end of each line.
"""

accesslog = "-"
logger_class = "config.log_redaction.TokenRedactingLogger"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(p)s'
