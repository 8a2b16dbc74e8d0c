from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "questionnaires"
    verbose_name = "Questionnaires and ratings"

    def ready(self) -> None:
        from questionnaires import tasks  # noqa: F401  (registers the routing task for dispatch_routing)
        from questionnaires.routing import register_destination
        from questionnaires.services import routing

        register_destination("profile", routing.write_profile_field, routing.check_profile_target)
        register_destination("rating", routing.write_rating, routing.check_rating_target)

        from directory.console import dashboard_card
        from questionnaires.admin.responses import feedback_cards

        dashboard_card(section="Feedback", order=60)(feedback_cards)
