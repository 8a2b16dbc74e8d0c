"""Questionnaire builder: the form's fields, its ordered slots (saving them makes a version) and a preview."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from core.errors import DomainError
from directory.admin_base import ConsoleModelAdmin
from questionnaires.admin.questions import add_service_errors
from questionnaires.models import Question, Questionnaire
from questionnaires.selectors import active_form, form_of_version
from questionnaires.services.questionnaires import questionnaire_create, questionnaire_update

QUESTIONNAIRE_FIELDS = ("handle", "name", "description", "purpose", "is_active")


class QuestionnaireForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = ("handle", "name", "description", "purpose", "is_active")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        fields = {name: cleaned.get(name) for name in QUESTIONNAIRE_FIELDS}
        try:
            self.instance = self.saved = (
                questionnaire_update(self.instance, **fields)
                if self.instance.pk
                else questionnaire_create(questions=[], **fields)
            )
        except (DomainError, ValidationError) as exc:
            add_service_errors(self, exc)
        return cleaned


class SlotForm(forms.Form):
    """One row of the builder: a question placed in the form."""

    mapping_key = forms.SlugField(max_length=100)
    question = forms.ModelChoiceField(queryset=Question.objects.filter(current_version__isnull=False))
    is_required = forms.BooleanField(required=False)
    page_title = forms.CharField(required=False, max_length=255)
    visibility_condition = forms.JSONField(required=False, help_text='JSON Logic, e.g. {"==": [{"var": "gift"}, true]}')


SlotFormSet = forms.formset_factory(SlotForm, extra=2, can_delete=True, can_order=True)


@admin.register(Questionnaire)
class QuestionnaireAdmin(ConsoleModelAdmin):
    form = QuestionnaireForm
    list_display = ("name", "handle", "purpose", "version_number", "is_active", "builder_links")
    list_filter = ("purpose", "is_active")
    search_fields = ("name", "handle")
    list_select_related = ("current_version",)
    readonly_fields = ("current_form",)
    fields = ("handle", "name", "description", "purpose", "is_active", "current_form")

    @admin.display(description="Version")
    def version_number(self, obj: Questionnaire) -> int | None:
        return obj.current_version.version if obj.current_version else None

    @admin.display(description="Form")
    def builder_links(self, obj: Questionnaire) -> str:
        build = reverse("admin:questionnaires_questionnaire_build", args=[obj.pk])
        preview = reverse("admin:questionnaires_questionnaire_preview", args=[obj.pk])
        return format_html('<a href="{}">Build</a> · <a href="{}">Preview</a>', build, preview)

    @admin.display(description="Current questions")
    def current_form(self, obj: Questionnaire) -> str:
        form = active_form(obj.pk)
        if form is None or not form.slots:
            return "No questions yet: use Build."
        rows = format_html_join(
            "", "<li>{} · {} ({}){}</li>",
            ((s.sort_order, s.mapping_key, s.question_version.label, " *" if s.is_required else "")
             for s in form.slots),
        )  # fmt: skip
        return format_html("<ol>{}</ol>{}", rows, self.builder_links(obj))

    def save_model(self, request, obj, form, change):
        form.instance = form.saved  # written by the services in the form's clean()

    def response_add(self, request, obj, post_url_continue=None):
        # A new form has no questions: continue in the builder.
        return HttpResponseRedirect(reverse("admin:questionnaires_questionnaire_build", args=[obj.pk]))

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # versions are pinned by appointments and submissions; deactivate instead

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/build/", wrap(self.build_view), name="questionnaires_questionnaire_build"),
            path("<int:pk>/preview/", wrap(self.preview_view), name="questionnaires_questionnaire_preview"),
            *super().get_urls(),
        ]

    def _context(self, request, questionnaire, title):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "original": questionnaire,
                "title": title}  # fmt: skip

    def build_view(self, request, pk: int):
        """Edit the ordered slots; saving different slots makes a new version through questionnaire_update."""
        questionnaire = get_object_or_404(Questionnaire, pk=pk)
        if not self.has_change_permission(request, questionnaire):
            raise PermissionDenied
        if request.method == "POST":
            formset = SlotFormSet(request.POST)
            if formset.is_valid():
                rows = [f for f in formset.ordered_forms if not f.cleaned_data.get("DELETE")]
                slots = [
                    {"mapping_key": f.cleaned_data["mapping_key"], "question_id": f.cleaned_data["question"].pk,
                     "is_required": f.cleaned_data["is_required"], "sort_order": position,
                     "page_title": f.cleaned_data["page_title"],
                     "visibility_condition": f.cleaned_data["visibility_condition"]}
                    for position, f in enumerate(rows, start=1)
                ]  # fmt: skip
                try:
                    with transaction.atomic():
                        before = questionnaire.current_version_id
                        questionnaire = questionnaire_update(questionnaire, questions=slots)
                    made = questionnaire.current_version_id != before
                    message = f"Saved as version {questionnaire.current_version.version}." if made else "No change."
                    self.message_user(request, message, messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:questionnaires_questionnaire_build", args=[pk]))
                except DomainError as exc:
                    formset_errors = [f"{key}: {'; '.join(msgs)}" for key, msgs in exc.errors.items()] or [exc.message]
                    return TemplateResponse(request, "admin/questionnaires/build.html", {
                        **self._context(request, questionnaire, f"Build {questionnaire}"), "formset": formset,
                        "service_errors": formset_errors})  # fmt: skip
        else:
            form = active_form(questionnaire.pk)
            initial = [
                {"mapping_key": s.mapping_key, "question": s.question_version.question_id,
                 "is_required": s.is_required, "page_title": s.page_title,
                 "visibility_condition": s.visibility_condition, "ORDER": s.sort_order}
                for s in (form.slots if form else [])
            ]  # fmt: skip
            formset = SlotFormSet(initial=initial)
        context = {**self._context(request, questionnaire, f"Build {questionnaire}"), "formset": formset}
        return TemplateResponse(request, "admin/questionnaires/build.html", context)

    def preview_view(self, request, pk: int):
        """The current version rendered as a respondent would see it (inputs only; nothing is submitted)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        questionnaire = get_object_or_404(Questionnaire, pk=pk)
        version_id = request.GET.get("version") or questionnaire.current_version_id
        form = form_of_version(int(version_id)) if version_id else None
        if form is not None and form.version.questionnaire_id != questionnaire.pk:
            form = None
        context = {**self._context(request, questionnaire, f"Preview {questionnaire}"), "form": form,
                   "versions": questionnaire.versions.order_by("-version")}  # fmt: skip
        return TemplateResponse(request, "admin/questionnaires/preview.html", context)
