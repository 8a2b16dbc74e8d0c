"""Question editor: saving a changed question makes a version (through question_create/question_update)."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from core.errors import DomainError
from directory.admin_base import BlankJSONFormField, ConsoleModelAdmin, ConsoleTabularInline, json_field
from questionnaires.enums import QuestionType
from questionnaires.models import Question, QuestionVersion
from questionnaires.services.questions import question_create, question_update

VERSIONED = QuestionVersion.VERSIONED_FIELDS
JSON_FIELDS = ("options", "validation", "default_value")


class PrettyJSONField(BlankJSONFormField):
    def prepare_value(self, value):
        if isinstance(value, str) or value in (None, [], {}):
            return super().prepare_value(value)
        return json.dumps(value, indent=1, ensure_ascii=False)


QUESTION_FIELDS = ("handle", "name", "description", "is_active", "link_type", "link_target", "link_write_policy")


class QuestionForm(forms.ModelForm):
    """The question's own fields plus its current version's, edited together; the service decides versions."""

    label = forms.CharField(max_length=1000)
    help_text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    type = forms.ChoiceField(choices=QuestionType.choices)
    options = PrettyJSONField(required=False, help_text='Select types: [{"value": "s", "label": "Small"}, ...]')
    validation = PrettyJSONField(required=False, help_text='e.g. {"min": 0, "max": 10} for a slider')
    default_value = PrettyJSONField(required=False)

    class Meta:
        model = Question
        fields = ("handle", "name", "description", "is_active", "link_type", "link_target", "link_write_policy")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.current_version if self.instance.pk else None
        if current is not None:
            for name in VERSIONED:
                self.initial.setdefault(name, getattr(current, name))

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        fields = {name: cleaned.get(name) for name in (*QUESTION_FIELDS, *VERSIONED)}
        fields["help_text"] = fields["help_text"] or ""
        try:
            self.instance = self.saved = (
                question_update(self.instance, **fields) if self.instance.pk else question_create(**fields)
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(self, exc)
        return cleaned


def add_service_errors(form, exc) -> None:
    """A service's field errors on the admin form (`validation.max` lands on `validation`)."""
    if isinstance(exc, DomainError):
        errors = exc.errors or {None: [exc.message]}
    else:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for key, messages in errors.items():
        field = key.split(".")[0] if key else None
        form.add_error(field if field in form.fields else None, messages)


class QuestionVersionInline(ConsoleTabularInline):
    model = QuestionVersion
    extra = 0
    can_delete = False
    fields = ("version", "label", "type", "options_view", "validation_view", "default_value_view", "created_at")
    readonly_fields = fields
    options_view = json_field("options", "Options")
    validation_view = json_field("validation", "Validation")
    default_value_view = json_field("default_value", "Default value")
    ordering = ("-version",)
    verbose_name_plural = "Versions (read-only: answers point at them)"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Question)
class QuestionAdmin(ConsoleModelAdmin):
    form = QuestionForm
    list_display = ("handle", "current_label", "current_type", "current_version_number", "link_type", "is_active")
    list_filter = ("is_active", "link_type")
    search_fields = ("handle", "name", "current_version__label")
    list_select_related = ("current_version",)
    inlines = (QuestionVersionInline,)
    fieldsets = (
        (None, {"fields": ("handle", "name", "description", "is_active")}),
        ("Wording (a change makes a new version)", {"fields": ("label", "help_text", "type", "options",
                                                               "validation", "default_value")}),
        ("Routing (applies to answers given from now on)", {"fields": ("link_type", "link_target",
                                                                       "link_write_policy")}),
    )  # fmt: skip

    @admin.display(description="Label")
    def current_label(self, obj: Question) -> str:
        return obj.current_version.label if obj.current_version else ""

    @admin.display(description="Type")
    def current_type(self, obj: Question) -> str:
        return obj.current_version.type if obj.current_version else ""

    @admin.display(description="Version")
    def current_version_number(self, obj: Question) -> int | None:
        return obj.current_version.version if obj.current_version else None

    def save_model(self, request, obj, form, change):
        # The form's clean() already saved through the services (so their errors land on the form).
        form.instance = form.saved

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # answers pin question versions; retire a question with is_active instead
