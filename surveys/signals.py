"""Signals other apps listen to."""

from django.dispatch import Signal

#: Sent inside the transaction that creates or merges candidates; ``survey`` and ``candidate_ids`` (every
#: candidate whose standing changed). The review app keeps its stored aggregates in step with it.
candidates_changed = Signal()
