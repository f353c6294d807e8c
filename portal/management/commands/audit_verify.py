"""Walk the audit log's hash chain, day by day, and report the first break (exit status 1)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from portal.services.audit_chain import chain_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and name the first row that breaks it."

    def add_arguments(self, parser):
        parser.add_argument("--since", type=date.fromisoformat, help="first day to check (YYYY-MM-DD, Korea time)")
        parser.add_argument("--until", type=date.fromisoformat, help="last day to check (YYYY-MM-DD, Korea time)")

    def handle(self, *args, since=None, until=None, **options):
        report = chain_verify(since=since, until=until)
        if report.first_break:
            raise CommandError(f"Audit chain broken at {report.first_break}")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.rows} rows over {report.days} days."))
