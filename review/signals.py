from django.dispatch import receiver

from review.services import scores
from surveys.signals import candidates_changed


@receiver(candidates_changed)
def refresh_scores(sender, *, survey, candidate_ids, **kwargs):
    """A new or merged candidate's stored aggregate, in the same transaction."""
    scores.refresh(survey, candidate_ids)
