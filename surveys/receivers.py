"""Keeping a call's ``form_stamp`` in step with what its application form is built from."""

import uuid

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from surveys.models import Category, Criterion, Field, ListedTechnology, Question, Survey


def renew_form_stamp(survey_ids=None, *, survey: Survey | None = None) -> None:
    """Give these calls (all, if ``None``) a new stamp, in the database and on ``survey`` if given."""
    stamp = uuid.uuid4()
    calls = Survey.objects.all() if survey_ids is None else Survey.objects.filter(pk__in=survey_ids)
    calls.update(form_stamp=stamp)
    if survey is not None:
        survey.form_stamp = stamp


@receiver([post_save, post_delete], sender=Criterion)
@receiver([post_save, post_delete], sender=Question)
@receiver([post_save, post_delete], sender=Category)
@receiver([post_save, post_delete], sender=ListedTechnology)
def _part_changed(sender, instance, **kwargs):
    renew_form_stamp([instance.survey_id], survey=instance._state.fields_cache.get("survey"))


@receiver([post_save, post_delete], sender=Field)
def _field_changed(sender, instance, **kwargs):
    # A field's names appear in every call offering it or one of its sub-fields; fields change rarely.
    renew_form_stamp()


@receiver(m2m_changed, sender=Survey.fields.through)
def _fields_chosen(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # ``instance`` is a field
        renew_form_stamp(pk_set)
    else:
        renew_form_stamp([instance.pk], survey=instance)
