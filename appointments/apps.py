from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = "Appointments"

    def ready(self) -> None:
        from appointments.selectors.fastpath import connect_schedule_signals

        connect_schedule_signals()
        from appointments.services.notification_events import register as register_notification_events

        register_notification_events()  # the events, templates and attachments the generic outbox carries
        import appointments.dashboard  # noqa: F401  (registers the queue and waitlist dashboard cards)
        from appointments.services.answers import check_transaction_target, write_transaction_reference
        from questionnaires.routing import register_destination

        # Answers routed to "transaction" land on the appointment; questionnaires never imports appointments.
        register_destination("transaction", write_transaction_reference, check_transaction_target)
        from appointments.selectors.words import describe_appointment
        from directory.console_display import RecordKind, register_record

        # Submissions, notifications and audit records name an appointment by id; the console links it in words.
        register_record(RecordKind("appointment", "admin:appointments_appointment_change", describe_appointment,
                                   "Appointment"))  # fmt: skip

    def seed_demo(self, stdout) -> None:
        from appointments.demo import seed
        from appointments.demo_activity import seed_activity

        seed(stdout)
        seed_activity(stdout)

    def seed_demo_large(self, stdout) -> None:
        from appointments.demo_large import seed_large

        seed_large(stdout)
