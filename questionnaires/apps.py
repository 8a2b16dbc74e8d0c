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

        from directory.admin_base import Link, console_link, dashboard_card
        from questionnaires.admin.responses import feedback_cards

        dashboard_card(section="Feedback", order=60)(feedback_cards)
        for link in (
            Link("Reports", "NPS by week", "admin:questionnaires_rating_nps", "insights", "questionnaires.view_rating", 40),
            Link("Reports", "Ratings", "admin:questionnaires_rating_changelist", "star", "questionnaires.view_rating", 41),
            Link("Reports", "Submissions", "admin:questionnaires_submission_changelist", "fact_check",
                 "questionnaires.view_submission", 42),
            Link("Setup", "Questions", "admin:questionnaires_question_changelist", "quiz",
                 "questionnaires.change_question", 60),
            Link("Setup", "Questionnaires", "admin:questionnaires_questionnaire_changelist", "assignment",
                 "questionnaires.change_questionnaire", 61),
        ):  # fmt: skip
            console_link(link)
