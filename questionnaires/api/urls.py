from core.api.routing import resource, route
from questionnaires.api import views

MEMBER = {"get": "retrieve", "put": "update", "patch": "update"}
Q = views.QuestionViewSet
F = views.QuestionnaireViewSet
S = views.SubmissionViewSet
R = views.ReportViewSet

urlpatterns = [
    *resource("questions", Q, "question", detail=MEMBER),
    *route("questions/<int:pk>/versions", Q.as_view({"get": "versions"}), "question-versions"),
    *resource("questionnaires", F, "questionnaire", detail=MEMBER),
    *route("questionnaires/<int:pk>/versions", F.as_view({"get": "versions"}), "questionnaire-versions"),
    *route(
        "questionnaires/<int:questionnaire_id>/submissions",
        S.as_view({"get": "list", "post": "create"}),
        "questionnaire-submissions",
    ),
    *route("submissions/<int:pk>", S.as_view({"get": "retrieve"}), "submission-detail"),
    *route("ratings", views.RatingViewSet.as_view({"get": "list"}), "rating-list"),
    *route("reports/nps", R.as_view({"get": "nps"}), "report-nps"),
    *route("reports/csat", R.as_view({"get": "csat"}), "report-csat"),
]
