"""/my/<token>/...: the customer pages (one URL per link purpose); the calendar feeds are in feed_urls."""

from django.urls import path

from appointments.web import views

urlpatterns = [
    path("<str:token>/", views.appointment_page, name="customer-view"),
    path("<str:token>/reschedule/", views.reschedule_page, name="customer-reschedule"),
    path("<str:token>/cancel/", views.cancel_page, name="customer-cancel"),
    path("<str:token>/calendar.ics", views.calendar_file, name="customer-calendar"),
    path("<str:token>/claim/", views.claim_page, name="customer-claim"),
    path("<str:token>/decline/", views.decline_page, name="customer-decline"),
]
