from django.db.models.signals import post_save
from django.dispatch import receiver

from review.services import layers, scores
from surveys.models import Survey
from surveys.signals import candidates_changed


@receiver(candidates_changed)
def refresh_scores(sender, *, survey, candidate_ids, **kwargs):
    """A new or merged candidate's stored aggregate, in the same transaction."""
    scores.refresh(survey, candidate_ids)


@receiver(post_save, sender=Survey)
def default_layers(sender, *, instance, created, raw=False, **kwargs):
    """A new international R&D call gets its two default evaluation layers."""
    if created and not raw:
        layers.ensure_layers(instance)
