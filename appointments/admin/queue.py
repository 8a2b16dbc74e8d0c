"""The walk-in queue in the console: the entries list and a live board per location.

The board shows waiting and called entries in order with position and estimated wait, with buttons to call the
next, serve, return and cancel. It refreshes itself: a few lines of script fetch the board's fragment and swap it
in, no full reload and nothing loaded from outside. Every button calls queue_transition, as the API does.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from appointments.enums import QueueStatus
from appointments.models import QueueEntry, QueueEvent
from appointments.selectors.queue import queue_entries, queue_figures
from appointments.services.queue import queue_transition
from core.errors import DomainError
from core.localtime import local_label
from directory.admin_base import ActorColumn, ConsoleModelAdmin, ConsoleTabularInline, actor_of, locations_for
from directory.models import Location

BOARD_REFRESH_SECONDS = 10
MOVES = {"call": QueueStatus.CALLED, "serve": QueueStatus.SERVED, "return": QueueStatus.WAITING,
         "cancel": QueueStatus.CANCELLED}  # fmt: skip


def short_name(entry: QueueEntry) -> str:
    """How a waiting-room screen names someone: first name and last initial ("Olivia J."), or the ticket."""
    profile = entry.profile if entry.profile_id else None
    first, last = (profile.first_name.strip(), profile.last_name.strip()) if profile else ("", "")
    if first:
        return f"{first} {last[0]}." if last else first
    return f"Ticket {entry.pk}"


def board_rows(location: Location, *, now) -> list[dict]:
    """The board's sections: one per definition, its called entries then its waiting ones, in order, the first
    waiting one marked `next`; 4 queries."""
    entries = list(queue_entries().filter(location=location, status__in=(QueueStatus.WAITING, QueueStatus.CALLED)))
    figures = queue_figures(entries, now=now)
    sections: dict[int, dict] = {}
    for entry in entries:
        section = sections.setdefault(entry.definition_id, {"definition": entry.definition, "called": [],
                                                            "waiting": []})  # fmt: skip
        row = {"entry": entry, "position": figures[entry.pk].position,
               "wait": figures[entry.pk].estimated_wait_minutes, "joined": local_label(entry.created_at, location.timezone, "%H:%M %Z"),
               "called": local_label(entry.called_at, location.timezone, "%H:%M %Z"),
               "who": str(entry.profile) if entry.profile_id else "Walk-in (anonymous)",
               "short": short_name(entry), "ticket": entry.pk, "next": False}  # fmt: skip
        section["called" if entry.status == QueueStatus.CALLED else "waiting"].append(row)
    for section in sections.values():
        section["waiting"].sort(key=lambda row: row["position"])
        if section["waiting"]:
            section["waiting"][0]["next"] = True
    return list(sections.values())


class QueueEventInline(ActorColumn, ConsoleTabularInline):
    model = QueueEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor_name", "from_status", "to_status", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(QueueEntry)
class QueueEntryAdmin(ConsoleModelAdmin):
    location_field = "location"
    list_display = ("id", "joined", "definition", "location", "who", "status", "board_link")
    list_filter = ("status", "location", "definition")
    list_select_related = ("definition", "location", "profile")
    search_fields = ("=id", "profile__first_name", "profile__last_name", "notes")
    ordering = ("-created_at", "-id")
    readonly_fields = ("definition", "location", "profile", "staff", "appointment", "status", "created_at",
                       "called_at", "served_at", "cancelled_at")  # fmt: skip
    fields = (*readonly_fields, "notes")
    inlines = (QueueEventInline,)

    def has_add_permission(self, request) -> bool:
        return False  # walk-ins join through the API or the kiosk; the board moves them

    @admin.display(description="Joined (local)", ordering="created_at")
    def joined(self, obj: QueueEntry) -> str:
        return local_label(obj.created_at, obj.location.timezone, "%a %d %b %H:%M %Z")

    @admin.display(description="Who")
    def who(self, obj: QueueEntry) -> str:
        return str(obj.profile) if obj.profile_id else "anonymous"

    @admin.display(description="Board")
    def board_link(self, obj: QueueEntry) -> str:
        return format_html('<a href="{}">board</a>', reverse("admin:appointments_queue_board", args=[obj.location_id]))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("board/", view(self.board_index), name="appointments_queue_boards"),
            path("board/<int:location_id>/", view(self.board_view), name="appointments_queue_board"),
            path("board/<int:location_id>/rows/", view(self.board_view), {"fragment": True},
                 name="appointments_queue_board_rows"),
            path("board/<int:location_id>/move/", view(require_POST(self.board_move)),
                 name="appointments_queue_board_move"),
            *super().get_urls(),
        ]  # fmt: skip

    def board_index(self, request):
        """Pick a location's board (one only: go straight there)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        locations = list(locations_for(request.user))
        if len(locations) == 1:
            return HttpResponseRedirect(reverse("admin:appointments_queue_board", args=[locations[0].pk]))
        context = {**self.admin_site.each_context(request), "title": "Queue boards", "locations": locations,
                   "opts": self.model._meta}  # fmt: skip
        return TemplateResponse(request, "admin/appointments/queue_boards.html", context)

    def board_view(self, request, location_id: int, fragment: bool = False):
        """The counter's board; with ?display=1 the waiting room's screen (no sidebar, no buttons, first names)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        location = get_object_or_404(locations_for(request.user), pk=location_id)
        display = request.GET.get("display") == "1"
        now = timezone.now()
        rows_url = reverse("admin:appointments_queue_board_rows", args=[location.pk])
        context = {
            **(self.admin_site.each_context(request) if not fragment else {}),
            "title": f"Queue at {location}",
            "location": location,
            "local_now": now.astimezone(location.timezone),
            "sections": board_rows(location, now=now),
            "refresh_seconds": BOARD_REFRESH_SECONDS,
            "rows_url": f"{rows_url}?display=1" if display else rows_url,
            "board_url": reverse("admin:appointments_queue_board", args=[location.pk]),
            "move_url": reverse("admin:appointments_queue_board_move", args=[location.pk]),
            "can_move": self.has_change_permission(request),
            "opts": self.model._meta,
        }
        names = {(False, False): "queue_board.html", (False, True): "queue_board_rows.html",
                 (True, False): "queue_display.html", (True, True): "queue_display_rows.html"}  # fmt: skip
        return TemplateResponse(request, f"admin/appointments/{names[(display, fragment)]}", context)

    def board_move(self, request, location_id: int):
        board = reverse("admin:appointments_queue_board", args=[location_id])
        get_object_or_404(locations_for(request.user), pk=location_id)
        if not self.has_change_permission(request):
            messages.error(request, "You may not move queue entries.")
            return HttpResponseRedirect(board)
        move = request.POST.get("move", "")
        entry_id = request.POST.get("entry")
        if move == "call_next":
            entry = (
                QueueEntry.objects.filter(location_id=location_id, definition_id=request.POST.get("definition"),
                                          status=QueueStatus.WAITING)
                .order_by("created_at", "id")
                .first()
            )  # fmt: skip
            if entry is None:
                messages.warning(request, "Nobody is waiting.")
                return HttpResponseRedirect(board)
            entry_id, move = entry.pk, "call"
        if move not in MOVES or not str(entry_id).isdigit():
            messages.error(request, "Unknown move.")
            return HttpResponseRedirect(board)
        if not QueueEntry.objects.filter(pk=entry_id, location_id=location_id).exists():
            messages.error(request, "That entry is not in this queue.")
            return HttpResponseRedirect(board)
        try:
            entry = queue_transition(entry_id=int(entry_id), to=MOVES[move], actor=actor_of(request))
            messages.success(request, f"#{entry.pk} is now {entry.status}.")
        except DomainError as exc:
            messages.error(request, f"#{entry_id}: {exc.message}")
        return HttpResponseRedirect(board)
