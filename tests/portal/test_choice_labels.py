"""Choice labels of the models lists show: the same text as Django's, in the active language, from a table."""

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from portal.models.choices import ChoiceLabels
from surveys.enums import ApplicationStatus, Channel
from surveys.models import Application


def _models_with_choices():
    for model in apps.get_models():
        if model._meta.app_label in ("portal", "surveys", "review"):
            fields = [f for f in model._meta.concrete_fields if f.choices]
            if fields and model.__name__ != "User":
                yield model, fields


def test_every_model_with_choices_reads_its_labels_from_the_table():
    missing = [model.__name__ for model, _ in _models_with_choices() if not issubclass(model, ChoiceLabels)]
    assert missing == []


@pytest.mark.parametrize("language", ["ko", "en"])
def test_each_label_is_the_one_django_would_show(language):
    with translation.override(language):
        for model, fields in _models_with_choices():
            for field in fields:
                for value, label in field.flatchoices:
                    instance = model(**{field.attname: value})
                    assert getattr(instance, f"get_{field.name}_display")() == str(label), (model, field.name, value)
                    assert models.Model._get_FIELD_display(instance, field) == str(label)


def test_the_language_of_the_request_is_the_language_of_the_label():
    application = Application(status=ApplicationStatus.SUBMITTED, channel=Channel.ASSOCIATION)
    with translation.override("ko"):
        korean = application.get_status_display(), application.get_channel_display()
    with translation.override("en"):
        english = application.get_status_display(), application.get_channel_display()
    assert english == ("Submitted", "Through an industry association")
    with translation.override("ko"):
        assert korean == (str(ApplicationStatus.SUBMITTED.label), str(Channel.ASSOCIATION.label))
    assert korean != english


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert Application(status="archived-2019").get_status_display() == "archived-2019"
