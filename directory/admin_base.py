"""The operator console's shared pieces: the admin base classes and the dashboard registry.

Every app's admin inherits `ConsoleModelAdmin` (or the inlines below) so that the console looks the same
everywhere and an operator limited to some locations sees only those: set `location_field` to the ORM path
from the model to its Location ("location", "appointment__location", ...).

Apps add numbers to the dashboard from their `AppConfig.ready()` with `dashboard_card`, and actions to another
app's lists with `console_action`; the directory never imports them, they register themselves.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString, mark_safe
from import_export.admin import ExportActionMixin
from unfold.admin import ModelAdmin, StackedInline, TabularInline
from unfold.contrib.import_export.forms import ExportForm
from unfold.widgets import UnfoldAdminTextareaWidget, UnfoldAdminTextInputWidget

from directory.models import Location
from directory.selectors import actor_label, local_today, location_ids_for


@dataclass(frozen=True)
class Card:
    """One number on the dashboard, linking to the list it counts."""

    label: str
    value: int | str
    url: str = ""
    tone: str = ""  # "", "success", "warning" or "danger"


# (request, location or None for all the operator's locations, the location's local date) -> cards
CardProvider = Callable[[object, object, date], list[Card]]

_providers: list[tuple[int, str, CardProvider]] = []


def dashboard_card(*, section: str, order: int = 100) -> Callable[[CardProvider], CardProvider]:
    """Register a function that returns the cards of one dashboard section."""

    def register(provider: CardProvider) -> CardProvider:
        if all(existing is not provider for _, _, existing in _providers):
            _providers.append((order, section, provider))
            _providers.sort(key=lambda item: (item[0], item[1]))
        return provider

    return register


def dashboard_sections(request, location, day: date) -> list[tuple[str, list[Card]]]:
    """The registered sections in order, each with its cards for this location and local day."""
    return [(section, provider(request, location, day)) for _, section, provider in _providers]


# How many locations the dashboard shows at once; pick one with ?location= to see any other.
DASHBOARD_LOCATIONS = 12


def dashboard_context(request, context: dict) -> dict:
    """unfold's DASHBOARD_CALLBACK: one panel per location the user may see, each in its own local day."""
    locations = locations_for(request.user)
    chosen = request.GET.get("location", "")
    shown = locations.filter(pk=chosen) if chosen.isdigit() else locations[:DASHBOARD_LOCATIONS]
    now = timezone.now()
    panels = []
    for location in shown:
        local_now = now.astimezone(location.timezone)
        panels.append(
            {
                "location": location,
                "local_now": local_now,
                "sections": dashboard_sections(request, location, local_now.date()),
            }
        )
    context.update({"console_panels": panels, "console_locations": locations, "console_location": chosen})
    return context


@dataclass(frozen=True)
class Link:
    """One sidebar entry: a named admin URL, shown to users with the permission."""

    group: str
    title: str
    url_name: str
    icon: str
    permission: str = ""  # "app_label.codename"; empty for every console user
    order: int = 100


_links: list[Link] = []

# The sidebar's groups, in this order; links of an unknown group go last.
SIDEBAR_GROUPS = ("Front desk", "Reports", "Setup", "System")


def console_link(link: Link) -> None:
    """Add a sidebar entry (from an AppConfig.ready())."""
    if link not in _links:
        _links.append(link)


def sidebar_navigation(request) -> list[dict]:
    """unfold's SIDEBAR navigation: the registered links the user may open, grouped."""
    user = request.user
    groups: dict[str, list[dict]] = {}
    for link in sorted(_links, key=lambda item: (item.order, item.title)):
        if link.permission and not user.has_perm(link.permission):
            continue
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:  # an app this deployment does not have
            continue
        groups.setdefault(link.group, []).append({"title": link.title, "icon": link.icon, "link": url})
    order = {name: index for index, name in enumerate(SIDEBAR_GROUPS)}
    return [
        {"title": name, "separator": True, "collapsible": name == "System", "items": items}
        for name, items in sorted(groups.items(), key=lambda item: order.get(item[0], len(order)))
    ]


for _link in (
    Link("Front desk", "Dashboard", "admin:index", "dashboard", order=0),
    Link("Front desk", "Customers and staff", "admin:directory_profile_changelist", "group",
         "directory.view_profile", order=50),
    Link("Setup", "Locations", "admin:directory_location_changelist", "store", "directory.change_location", 20),
    Link("Setup", "Staff assignments", "admin:directory_staffassignment_changelist", "badge",
         "directory.change_staffassignment", 30),
    Link("Setup", "API tokens", "admin:directory_apitoken_changelist", "key", "directory.view_apitoken", 90),
    Link("System", "Users", "admin:auth_user_changelist", "person", "auth.view_user", 10),
    Link("System", "Audit records", "admin:directory_auditrecord_changelist", "history", "directory.view_auditrecord",
         40),
    Link("System", "Roles (groups)", "admin:auth_group_changelist", "shield_person", "auth.view_group", 20),
    Link("System", "Periodic tasks", "admin:django_celery_beat_periodictask_changelist", "schedule",
         "django_celery_beat.view_periodictask", 30),
    Link("System", "Login lockouts", "admin:axes_accessattempt_changelist", "lock_person", "axes.view_accessattempt", 40),
):  # fmt: skip
    console_link(_link)


# "app_label.model" -> admin actions that other apps add to that model's console list (see ConsoleModelAdmin).
_actions: dict[str, list[Callable]] = {}


def console_action(model_label: str) -> Callable[[Callable], Callable]:
    """Register an admin action (decorated with `admin.action`, permissions and all) for another app's console
    list, e.g. `@console_action("directory.profile")`; the page offers it only to a user who holds every one of its
    `allowed_permissions` (stricter than Django's any-of for the page's own actions)."""

    def register(action: Callable) -> Callable:
        registered = _actions.setdefault(model_label.lower(), [])
        if action not in registered:
            registered.append(action)
        return action

    return register


class ActorColumn:
    """Admin mixin: the audit trail's actor in words (the `actor_name` column)."""

    @admin.display(description="By")
    def actor_name(self, obj) -> str:
        return actor_label(obj.actor)


def actor_of(request) -> str:
    """How the audit trail names a console user (DOMAIN.md "Appointment lifecycle": `user:<id>`)."""
    return f"user:{request.user.pk}"


def scope_to_locations(queryset: QuerySet, user, location_field: str | None) -> QuerySet:
    """Keep the rows of the user's locations; rows of models without a location are not limited."""
    ids = location_ids_for(user)
    if ids is None or location_field is None:
        return queryset
    return queryset.filter(**{f"{location_field}__in": ids})


def locations_for(user) -> QuerySet[Location]:
    """The locations this user may pick, by name."""
    return scope_to_locations(Location.objects.order_by("name", "id"), user, "pk")


class BlankJSONFormField(forms.JSONField):
    """A JSON field whose empty value shows as an empty box, not a literal `null`, `{}` or `[]`."""

    def prepare_value(self, value):
        if value in (None, "", [], {}):
            return ""
        return super().prepare_value(value)

    def bound_data(self, data, initial):
        return "" if data in (None, "") else super().bound_data(data, initial)


class HandleListFormField(forms.CharField):
    """A list of handles typed as "a, b, c" (stored as a JSON list; empty is [])."""

    def __init__(self, *args, encoder=None, decoder=None, **kwargs):
        kwargs["required"] = False
        kwargs.setdefault("help_text", "Comma-separated handles.")
        kwargs["widget"] = UnfoldAdminTextInputWidget
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [item.strip() for item in (value or "").split(",") if item.strip()]


class ConsoleFields:
    """Admin mixin: JSON fields without literal `null`; list-of-handles fields typed with commas."""

    list_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.JSONField):
            form_class = HandleListFormField if db_field.name in self.list_fields else BlankJSONFormField
            field = db_field.formfield(form_class=form_class, **kwargs)
            if form_class is BlankJSONFormField:
                field.widget = UnfoldAdminTextareaWidget(attrs={"rows": 3})
            return field
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class LocationScoped:
    """Admin mixin: lists, pages, actions and location pickers limited to the user's locations."""

    # ORM path from this model to its directory.Location ("pk" for Location itself); None for models that
    # belong to no location.
    location_field: str | None = None

    def get_queryset(self, request):
        return scope_to_locations(super().get_queryset(request), request.user, self.location_field)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Location:
            kwargs["queryset"] = locations_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is Location:
            kwargs["queryset"] = locations_for(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ConsoleModelAdmin(LocationScoped, ConsoleFields, ModelAdmin):
    """The admin base class of every console page."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A record's page renders its instants in the zone of the record's location (config/formats)."""
        zone = self._zone_of(object_id)
        with timezone.override(zone) if zone is not None else nullcontext():
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def _zone_of(self, object_id):
        if object_id is None or self.location_field is None:
            return None
        path = "timezone" if self.location_field == "pk" else f"{self.location_field}__timezone"
        try:
            return self.model._default_manager.filter(pk=object_id).values_list(path, flat=True).first()
        except (ValueError, ValidationError):  # a malformed id: the view answers it as Django does
            return None

    list_filter_submit = True
    warn_unsaved_form = True

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:  # as Django: no actions on this page
            return actions
        for action in _actions.get(self.model._meta.label_lower, []):
            required = getattr(action, "allowed_permissions", ())
            if all(getattr(self, f"has_{name}_permission")(request) for name in required):
                actions[action.__name__] = (action, action.__name__, getattr(action, "short_description", ""))
        return actions


class ExportableConsoleAdmin(ExportActionMixin, ConsoleModelAdmin):
    """A console list that exports its selected rows to CSV or Excel (django-import-export). Not the default:
    users and tokens must never leave the system in a spreadsheet."""

    export_form_class = ExportForm


class ConsoleTabularInline(LocationScoped, ConsoleFields, TabularInline):
    pass


class ConsoleStackedInline(LocationScoped, ConsoleFields, StackedInline):
    pass


class ReportRangeForm(forms.Form):
    """A console report's filter: one of the user's locations or all of them, and a range of local dates. Without
    dates it is the last `default_days` local days up to today at the chosen location (or the latest today among
    the user's locations), never the UTC date. Always bound: the page shows the default range on first open."""

    location = forms.ModelChoiceField(queryset=Location.objects.none(), required=False, empty_label="All my locations")
    start_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    default_days = 28
    max_days = 366

    def __init__(self, data, *, user, now):
        super().__init__(data)
        self.locations = locations_for(user)
        self.fields["location"].queryset = self.locations
        self.now = now

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if "location" not in cleaned or (start is None) != (end is None):
            if (start is None) != (end is None):
                self.add_error("end_date" if end is None else "start_date", "Give both dates, or neither.")
            return cleaned
        location = cleaned["location"]
        if start is None:
            end = local_today([location] if location else self.locations, now=self.now)
            start = end - timedelta(days=self.default_days - 1)
        if end < start or (end - start).days + 1 > self.max_days:
            raise forms.ValidationError(f"Pick an end date on or after the start, at most {self.max_days} days in all.")
        cleaned.update(start_date=start, end_date=end, chosen=[location] if location else list(self.locations))
        return cleaned


def with_param(params, **changes) -> str:
    """The query string with some parameters set (a CSV link keeps the page's filter)."""
    query = params.copy()
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


def csv_response(name: str, header: list[str], rows) -> HttpResponse:
    """A CSV download, `<name>.csv`, one row per item of `rows`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def console_today(locations: QuerySet[Location], chosen: str | int | None = None) -> date:
    """A date picker's default: the local today of the chosen location when it is one of `locations`, else the
    latest local today among them (an operator's only location's today), never the UTC date."""
    picked = locations.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
    return local_today([picked] if picked else locations, now=timezone.now())


WALL_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?")


def json_view(value, zone: str | None = None) -> SafeString:
    """Stored JSON (a notification's context, an event's data) as a person reads it: nested keys and values, "—"
    for nothing, Yes/No for booleans, never a raw `null`; a wall time ("2026-12-08 10:00") is shown with the zone
    its object names (a `timezone` or `zone` key beside it, or above it)."""
    if value is None or value == "" or value == {} or value == []:
        return mark_safe("—")
    if isinstance(value, bool):
        return mark_safe("Yes" if value else "No")
    if isinstance(value, dict):
        named = value.get("timezone") or value.get("zone")
        zone = named if isinstance(named, str) and "/" in named or named == "UTC" else zone
        rows = format_html_join(
            "", "<dt>{}</dt><dd>{}</dd>", ((key, json_view(item, zone)) for key, item in value.items())
        )
        return mark_safe(f'<dl class="json-view">{rows}</dl>')
    if isinstance(value, list):
        if all(not isinstance(item, dict | list) for item in value):
            return mark_safe(", ".join(str(json_view(item, zone)) for item in value))
        items = "".join(f"<li>{json_view(item, zone)}</li>" for item in value)
        return mark_safe(f'<ol class="json-view">{items}</ol>')
    if zone and isinstance(value, str) and WALL_TIME.fullmatch(value):
        return conditional_escape(f"{value} ({zone})")
    return conditional_escape(str(value))


def json_field(name: str, description: str):
    """A read-only display method showing the JSON field `name` through json_view (use `<name>_view` in fields)."""

    @admin.display(description=description)
    def show(self, obj) -> SafeString:
        return json_view(getattr(obj, name))

    show.__name__ = f"{name}_view"
    return show
