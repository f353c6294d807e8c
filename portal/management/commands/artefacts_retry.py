"""Queue again every generated file that failed all its attempts, once the cause (a font, a template, the signing
key) is fixed. The beat re-queues only what is still pending; a failed file waits for this command."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Queue again every generated file (version and notice PDFs) that failed all its attempts."

    def handle(self, *args, **options):
        total = 0
        for path in settings.ARTEFACT_RETRIERS:
            count = import_string(path)()
            total += count
            self.stdout.write(f"{path}: {count}")
        self.stdout.write(self.style.SUCCESS(f"{total} queued again"))
