from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from directory.enums import Scope
from directory.services.tokens import token_issue


class Command(BaseCommand):
    help = "Issue an integration API token and print it (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--scopes",
            nargs="+",
            default=[Scope.ADMIN],
            help=f"Scopes (default: admin). Any of: {' '.join(Scope.values)}",
        )

    def handle(self, *args, name, scopes, **options):
        try:
            token, raw = token_issue(name=name, scopes=scopes, created_by="command:create_api_token")
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(raw)
