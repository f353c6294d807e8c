"""Create the demo CA and signing certificate used when no real signing key is configured."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.signing_demo import demo_ca_write


class Command(BaseCommand):
    help = "Write a self-made CA and a document-signing certificate for the demo (never for production)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None, help="target directory (default: SIGNING_DEMO_DIR)")
        parser.add_argument("--force", action="store_true", help="replace an existing demo CA")

    def handle(self, *args, dir=None, force=False, **options):
        directory = Path(dir or settings.SIGNING_DEMO_DIR)
        if (directory / "signer-key.pem").exists() and not force:
            self.stdout.write(f"Demo signing CA already in {directory}")
            return
        paths = demo_ca_write(directory)
        from portal.services.signing import _signer

        _signer.cache_clear()
        self.stdout.write(self.style.SUCCESS(f"Demo signing CA written: {', '.join(str(p) for p in paths.values())}"))
