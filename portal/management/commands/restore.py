"""``manage.py restore --from DIR --database-url URL [--bucket NAME | --media-root DIR]``."""

from django.core.management.base import BaseCommand, CommandError

from portal.exceptions import DomainError
from portal.services.backup import backup_restore, restore_storage


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into a fresh PostgreSQL database (created when missing) "
        "and an empty bucket or folder (the configured storage when neither is named), then verify every "
        "version's files against their SHA-256, the audit log's rows and last id, and the triggers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", required=True, dest="source", help="the backup folder")
        parser.add_argument("--database-url", required=True, help="postgres://… of the database to restore into")
        parser.add_argument("--bucket", help="restore the files into this S3 bucket")
        parser.add_argument("--endpoint-url", help="the S3-compatible server of --bucket (AWS when omitted)")
        parser.add_argument("--region", help="the region of --bucket")
        parser.add_argument("--media-root", help="restore the files into this folder")

    def handle(self, *args, source, database_url, bucket, endpoint_url, region, media_root, **options):
        storage = restore_storage(bucket=bucket, endpoint_url=endpoint_url, region=region, media_root=media_root)
        try:
            report = backup_restore(source, database_url=database_url, storage=storage)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"restored: {report['versions']} versions ({report['version_files_checked']} files checked against "
            f"their SHA-256), {report['audit_rows']} audit rows up to id {report['audit_last_id']}, "
            f"{len(report['triggers'])} triggers, {report['files']} files"
        )
        if report["problems"]:
            raise CommandError(
                "복원 결과가 백업과 다릅니다. / The restore differs from the backup:\n" + "\n".join(report["problems"])
            )
