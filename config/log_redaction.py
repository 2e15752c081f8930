"""Keep partners' private-link tokens out of every log.

A private link is /i/<token>/; the token is a password to a partner's answers. The web
server's access log (gunicorn, with config/gunicorn.py) and Django's own log lines (a 404
warning, the development server's request lines) show such a path as /i/[token]/.
This module imports nothing of Django: gunicorn loads it before the app.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

_TOKEN_PATH = re.compile(r"/i/[^/?#\s\"']+")
REDACTED = "/i/[token]"


def redact(text: str) -> str:
    return _TOKEN_PATH.sub(REDACTED, text)


def _redact_value(value):
    return redact(value) if isinstance(value, str) else value


class RedactTokens(logging.Filter):
    """A handler filter: the message of every record, with private-link tokens replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class TokenRedactingLogger(Logger):
    """gunicorn's logger: the access log's request line, path, referrer, headers and environ
    values, and the error log's messages (say, "Error handling request /i/…"), without
    tokens."""

    def atoms(self, resp, req, environ, request_time):
        return {
            key: _redact_value(value)
            for key, value in super().atoms(resp, req, environ, request_time).items()
        }

    def log(self, lvl, msg, *args, **kwargs):
        super().log(lvl, *self._clean(msg, args), **kwargs)

    def critical(self, msg, *args, **kwargs):
        super().critical(*self._clean(msg, args), **kwargs)

    def error(self, msg, *args, **kwargs):
        super().error(*self._clean(msg, args), **kwargs)

    def warning(self, msg, *args, **kwargs):
        super().warning(*self._clean(msg, args), **kwargs)

    def info(self, msg, *args, **kwargs):
        super().info(*self._clean(msg, args), **kwargs)

    def debug(self, msg, *args, **kwargs):
        super().debug(*self._clean(msg, args), **kwargs)

    def exception(self, msg, *args, **kwargs):
        super().exception(*self._clean(msg, args), **kwargs)

    @staticmethod
    def _clean(msg, args):
        return (_redact_value(msg), *(_redact_value(a) for a in args))
