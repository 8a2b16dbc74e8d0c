from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

import core.api.schema  # noqa: F401  (registers the bearer scheme with drf-spectacular)
from appointments.admin.reports import daily_report_view
from core.api.index import ApiIndexView

urlpatterns = [
    # Browsers ask for /favicon.ico on pages without an icon link (the API's JSON, the schema); the console's icon.
    path("favicon.ico", RedirectView.as_view(url="/static/console/favicon.svg", permanent=True)),
    # The console's report page (no model of its own): before the admin's URLs so its catch-all does not take it.
    path("admin/report/", admin.site.admin_view(daily_report_view), name="console_report"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/v3", ApiIndexView.as_view(), name="api-index"),
    path("api/v3/", ApiIndexView.as_view()),
    path("api/v3/", include("directory.api.urls")),
    path("api/v3/", include("questionnaires.api.urls")),
    path("api/v3/", include("visits.api.urls")),
    path("api/v3/", include("appointments.api.urls")),
    path("api/v3/", include("notifications.api.urls")),
    # Customers' signed links (docs/customer-links.md).
    path("my/", include("appointments.web.urls")),
    # Staff calendar feeds (docs/customer-links.md).
    path("feeds/", include("appointments.web.feed_urls")),
]
