from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = "Appointments"

    def ready(self) -> None:
        from appointments.models.schedule import connect_schedule_signals

        connect_schedule_signals()
        import appointments.dashboard  # noqa: F401  (registers the queue and waitlist dashboard cards)

    def seed_demo(self, stdout) -> None:
        from appointments.demo import seed

        seed(stdout)

    def seed_demo_large(self, stdout) -> None:
        from appointments.demo_large import seed_large

        seed_large(stdout)
