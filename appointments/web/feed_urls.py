"""/feeds/<secret>.ics: staff calendar feeds."""

from django.urls import path

from appointments.web.feeds import calendar_feed

urlpatterns = [path("<str:secret>.ics", calendar_feed, name="calendar-feed")]
