from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

import config.api.schema  # noqa: F401  (registers the bearer scheme with drf-spectacular)
from config.api.index import ApiIndexView

urlpatterns = [
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
