import time

from django.core.management.base import BaseCommand, CommandError

from review import scale


class Command(BaseCommand):
    help = (
        "Seed a large, realistic data set for benchmarks: N applications across four calls, fields and "
        "channels with their versions, reviewers, five reviews per candidate, hearing comments and a register. "
        "Refuses a database that already holds it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, required=True, help="How many applications (N).")
        parser.add_argument("--reviewers", type=int, default=2000, help="Size of the reviewer pool (default 2000).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed, for a reproducible data set.")

    def handle(self, *args, applications, reviewers, seed, **options):
        if applications < len(scale.CALLS):
            raise CommandError(f"--applications must be at least {len(scale.CALLS)}.")
        self.stdout.write(f"Seeding {applications:,} applications and {reviewers:,} reviewers…")
        started = time.perf_counter()
        try:
            result = scale.build(applications, reviewers=reviewers, seed=seed, stdout=self.stdout)
        except (scale.AlreadySeeded, ValueError) as error:
            raise CommandError(str(error)) from None
        for name, count in result.counts.items():
            self.stdout.write(f"  {count:>10,}  {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {time.perf_counter() - started:.1f} s. Every account's password is {scale.PASSWORD!r}; "
                f"two-factor accounts use the TOTP secret {scale.TOTP_SECRET}. Calls: "
                + ", ".join(f"{code}={pk}" for code, pk in result.calls.items())
            )
        )
