"""Celery's worker processes lower their CPU priority so pages stay quick while PDFs render."""

from portal import celery


def test_worker_processes_lower_their_priority(settings, monkeypatch):
    calls = []
    monkeypatch.setattr(celery.os, "nice", calls.append)
    settings.WORKER_NICENESS = 10
    celery._below_web_priority()
    assert calls == [10]


def test_a_niceness_of_zero_leaves_the_priority_alone(settings, monkeypatch):
    calls = []
    monkeypatch.setattr(celery.os, "nice", calls.append)
    settings.WORKER_NICENESS = 0
    celery._below_web_priority()
    assert calls == []
