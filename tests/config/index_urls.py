"""The project's URLs plus a resource from a pretend new app, to show that the API index picks it up."""

from django.http import JsonResponse
from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns


def widgets(request, **kwargs):
    return JsonResponse({"data": []})


new_app_urls = [path("widgets", widgets), path("widgets/", widgets), path("widgets/<int:pk>", widgets)]
urlpatterns = [*project_urlpatterns, path("api/v3/", include(new_app_urls))]
