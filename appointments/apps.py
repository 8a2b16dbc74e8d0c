from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = "Appointments"

    def seed_demo(self, stdout) -> None:
        from appointments.demo import seed

        seed(stdout)
