"""The portal's logs and gunicorn's are the same JSON lines, with Korean written as it is."""

import io
import json
import logging
import logging.config

from django.conf import settings

from portal.logformat import json_formatter


def _line(formatter_config: dict) -> dict:
    stream = io.StringIO()
    config = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": formatter_config},
        "handlers": {"out": {"class": "logging.StreamHandler", "formatter": "json", "stream": stream}},
        "loggers": {"portal.test_log_format": {"handlers": ["out"], "level": "INFO", "propagate": False}},
    }
    logging.config.dictConfig(config)
    logging.getLogger("portal.test_log_format").info("신청서 제출")
    text = stream.getvalue()
    assert "\\u" not in text  # not escaped
    return json.loads(text)


def test_gunicorn_and_the_portal_write_the_same_json_lines_in_korean():
    gunicorn_line = _line(json_formatter())
    portal_line = _line(settings.LOGGING["formatters"]["json"])

    assert gunicorn_line["message"] == portal_line["message"] == "신청서 제출"
    assert set(gunicorn_line) == set(portal_line) >= {"time", "level", "logger", "message"}
