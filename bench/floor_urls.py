"""The project's URLs plus three endpoints that do nothing, for bench/floor.py (never part of the project's URLconf).

- `bench-floor/django`: a plain Django view behind the project's middleware;
- `bench-floor/drf-open`: a DRF view with no authentication, permission or throttle;
- `bench-floor/drf`: a DRF view with the project's defaults (bearer token, scope permission, throttle, parser,
  renderer, error handler), as every API endpoint has.
"""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as project_urls

EMPTY = b'{"data":[]}'


@csrf_exempt  # as DRF views are: the API authenticates by token
def django_view(request):
    return HttpResponse(EMPTY, content_type="application/json")


class OpenView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    def post(self, request):
        return Response({"data": []})


class ProjectView(APIView):
    scope_area = "appointments"

    def post(self, request):
        return Response({"data": []})


urlpatterns = [
    path("bench-floor/django", django_view),
    path("bench-floor/drf-open", OpenView.as_view()),
    path("bench-floor/drf", ProjectView.as_view()),
    *project_urls,
]
