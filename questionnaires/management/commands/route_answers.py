"""Re-run answer routing: answers never routed (the broker was down) and failed ones; idempotent."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from questionnaires.enums import MappingStatus
from questionnaires.services.routing import answer_route, answers_to_retry


class Command(BaseCommand):
    help = (
        "Route answers that are still pending or failed (only failed ones with --failed), optionally only those "
        "submitted since a date. Mapped and skipped answers are never touched. Exits 1 if any still fail."
    )

    def add_arguments(self, parser):
        parser.add_argument("--failed", action="store_true", help="only answers whose last route failed")
        parser.add_argument("--since", type=date.fromisoformat, help="submitted on or after this UTC date, YYYY-MM-DD")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (logs, cron)")

    def handle(self, *args, **options):
        since = datetime.combine(options["since"], datetime.min.time(), tzinfo=UTC) if options["since"] else None
        ids = list(answers_to_retry(failed_only=options["failed"], since=since).values_list("pk", flat=True))
        outcome = {status: 0 for status in MappingStatus.values}
        failures = []
        # A bar only for a terminal and only with work to do; tqdm writes to the raw stream, because Django's
        # OutputWrapper ends every write with a newline and each redraw would become a line of its own.
        quiet = True if options["no_progress"] or not ids else None
        for pk in tqdm(ids, desc="routing answers", unit="answer", disable=quiet, file=sys.stderr):
            answer = answer_route(pk)
            outcome[answer.mapping_status] += 1
            if answer.mapping_status == MappingStatus.FAILED:
                failures.append(f"answer {answer.pk}: {answer.mapping_error}")
        summary = ", ".join(f"{n} {status}" for status, n in outcome.items() if n) or "nothing to route"
        self.stdout.write(f"{len(ids)} answers: {summary}")
        if failures:
            for line in failures:
                self.stderr.write(line)
            raise CommandError(f"{len(failures)} answers still fail to route.")
