"""Celery tasks: take ids, re-fetch, call one service, safe to run twice."""
