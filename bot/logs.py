"""Process logging: plain lines for people, or JSON lines (`YIZHAN_LOG_FORMAT=json`) for tools.

At INFO the service logs one line per inbound message and per delivery, with ids only: message
text and phone numbers never reach a log line at INFO (handlers log no personal data at all).
"""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# JSON objects carry these record fields plus whatever a call passes in `extra=`.
JSON_FIELDS = ("asctime", "levelname", "name", "message")


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """Our stderr handler, told apart so a second configure replaces it and nothing else."""


def configure_logging(level: str, fmt: str = "text") -> None:
    """Our one stderr handler on the root logger (a second call replaces it, e.g. for `run`)."""
    handler = _Handler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(
            JsonFormatter(
                JSON_FIELDS,
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                json_ensure_ascii=False,
            )
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
