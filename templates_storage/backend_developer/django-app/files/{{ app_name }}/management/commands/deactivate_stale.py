from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from {{ app_name }}.models import {{ model }}


class Command(BaseCommand):
    help = "Deactivate {{ model }} rows older than --days days"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, days, dry_run, **options):
        stale = {{ model }}.objects.filter(active=True, created_at__lt=timezone.now() - timedelta(days=days))
        count = stale.count()
        if not dry_run:
            stale.update(active=False)
        self.stdout.write(f"{'would deactivate' if dry_run else 'deactivated'} {count}")
