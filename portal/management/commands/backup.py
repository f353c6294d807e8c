"""``manage.py backup --to DIR``: the database (pg_dump -Fc) and every stored file, with a manifest."""

from django.core.management.base import BaseCommand, CommandError

from portal.exceptions import DomainError
from portal.services.backup import backup_create


class Command(BaseCommand):
    help = "Back up the PostgreSQL database (pg_dump -Fc) and the stored files (folder or S3 bucket) into DIR."

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, dest="target", help="a new or empty folder")

    def handle(self, *args, target, **options):
        try:
            manifest = backup_create(target)
        except DomainError as error:
            raise CommandError(error.message) from error
        database = manifest["database"]
        self.stdout.write(
            f"{target}: database {database['name']} ({database['versions']} versions, {database['audit_rows']} audit "
            f"rows up to id {database['audit_last_id']}, {len(database['triggers'])} triggers), "
            f"{len(manifest['files'])} files"
        )
