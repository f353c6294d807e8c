"""The JSON log lines of the portal's own logs (``settings.LOGGING``) and of gunicorn's (``portal.gunicorn``):
time, level, logger, process and message, one object a line. gunicorn reads its settings before Django is set
up, so this module imports nothing."""


def json_formatter(**options) -> dict:
    """A ``logging.config`` formatter for JSON lines, a new dict each call; ``options`` go to the formatter."""
    return {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        "json_ensure_ascii": False,  # Korean as it is, in both logs
        **options,
    }
