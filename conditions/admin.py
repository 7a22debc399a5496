"""Django admin for curators (edit the drafts) and reviewers (publish a version).

Every draft model keeps its history (who changed what, when) through django-simple-history, and
conditions, findings, evidence and references can be imported and exported as spreadsheets.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from import_export import fields, widgets
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from conditions.admin_compact import CompactInline, CompactRowForm, JoinedInline
from conditions.admin_publishing import PublishingAdminMixin
from conditions.admin_reasons import ChangeReasonAdminMixin, ImportReasonAdminMixin
from conditions.engine.knowledge_format import SHARE_TOLERANCE
from conditions.models import (
    AgeBand,
    Condition,
    ConditionForm,
    ConditionPrior,
    DurationEvidence,
    Evidence,
    Finding,
    FindingFrequency,
    FormEvidence,
    KnowledgeBaseVersion,
    Population,
    QuestionnaireSection,
    RedFlagCriterion,
    RedFlagRule,
    Reference,
    Requirement,
    ScoringPolicy,
)
from conditions.source_review import SourceReviewAdminMixin, SourceReviewForm
from conditions.spreadsheets import CodesWidget, SpreadsheetResource, by_code
from conditions.versions import knowledge_base_version_summary

# --- Import / export resources: rows are matched by code, related rows named by code ---
# (conditions/spreadsheets.py: formulas escaped on export, unchanged rows counted, not listed,
# and errors that name the row and the column)


def _by_key(column: str, model: type[models.Model], key: str) -> fields.Field:
    return by_code(column, model, key)


class ReferenceResource(SpreadsheetResource):
    class Meta:
        model = Reference
        import_id_fields = ("key",)
        fields = ("key", "citation", "url", "doi", "note")
        skip_unchanged = True
        clean_model_instances = True


class FindingResource(SpreadsheetResource):
    baseline_reference = _by_key("baseline_reference", Reference, "key")

    class Meta:
        model = Finding
        import_id_fields = ("code",)
        fields = (
            "code",
            "question",
            "help_text",
            "question_for_child",
            "help_text_for_child",
            "statement_yes",
            "statement_no",
            "statement_yes_for_child",
            "statement_no_for_child",
            "answer_type",
            "section",
            "order",
            "min_age",
            "max_age",
            "blocks_self_care",
            "baseline_adult",
            "baseline_child",
            "baseline_reference",
            "baseline_expert_estimate",
            "baseline_note",
        )
        skip_unchanged = True
        clean_model_instances = True


class ConditionResource(SpreadsheetResource):
    female_share_reference = _by_key("female_share_reference", Reference, "key")
    references = fields.Field(
        attribute="references",
        column_name="references",
        widget=CodesWidget(Reference, field="key", separator=","),
    )

    class Meta:
        model = Condition
        import_id_fields = ("code",)
        fields = (
            "code",
            "name",
            "summary",
            "category",
            "is_other_causes",
            "min_age",
            "max_age",
            "female_share",
            "female_share_reference",
            "female_share_expert_estimate",
            "female_share_note",
            "urgency",
            "self_care_max_duration_weeks",
            "doctor_checks",
            "management",
            "icd10",
            "snomed_ct",
            "references",
        )
        skip_unchanged = True
        clean_model_instances = True


# The columns of an evidence row, a condition's or a form's, after the columns naming its owner.
EVIDENCE_COLUMNS = (
    "finding",
    "population",
    "probability",
    "specificity",
    "reference",
    "expert_estimate",
    "note",
)


class EvidenceResource(SpreadsheetResource):
    condition = _by_key("condition", Condition, "code")
    finding = _by_key("finding", Finding, "code")
    reference = _by_key("reference", Reference, "key")

    class Meta:
        model = Evidence
        import_id_fields = ("condition", "finding", "population")
        fields = ("condition", *EVIDENCE_COLUMNS)
        skip_unchanged = True
        clean_model_instances = True


class FormOfConditionWidget(widgets.ForeignKeyWidget):
    """A form named by its code, within the condition named in the row's ``condition`` column."""

    def __init__(self) -> None:
        super().__init__(ConditionForm, "code")

    def get_lookup_kwargs(self, value: Any, row: Any, **kwargs: Any) -> dict[str, Any]:
        return {"code": value, "condition__code": (row or {}).get("condition")}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        try:
            return super().clean(value, row, **kwargs)
        except ConditionForm.DoesNotExist:
            condition = (row or {}).get("condition")
            raise ValueError(
                f"condition '{condition}' has no form with code '{value}'; add the form on the "
                "condition's page first"
            ) from None


class ConditionFormResource(SpreadsheetResource):
    condition = _by_key("condition", Condition, "code")
    reference = _by_key("reference", Reference, "key")

    class Meta:
        model = ConditionForm
        import_id_fields = ("condition", "code")
        fields = (
            "condition",
            "code",
            "name",
            "description",
            "share",
            "reference",
            "expert_estimate",
            "note",
        )
        skip_unchanged = True
        clean_model_instances = True


class FormEvidenceResource(SpreadsheetResource):
    # The form is named by the condition's code and its own: two columns.
    condition = fields.Field(
        attribute="form__condition__code", column_name="condition", readonly=True
    )
    form = fields.Field(attribute="form", column_name="form", widget=FormOfConditionWidget())
    finding = _by_key("finding", Finding, "code")
    reference = _by_key("reference", Reference, "key")

    class Meta:
        model = FormEvidence
        import_id_fields = ("form", "finding", "population")
        fields = ("condition", "form", *EVIDENCE_COLUMNS)
        skip_unchanged = True
        clean_model_instances = True


# --- Inlines ---


SOURCE_FIELDS = ("reference", "expert_estimate", "note")


def _in_order_of(field: str, values: list[str]) -> Case:
    """Rows ordered as the choices of ``field`` are listed (questionnaire order, not A to Z)."""
    return Case(
        *(When(**{field: value}, then=Value(position)) for position, value in enumerate(values)),
        output_field=IntegerField(),
    )


class SourcedRow(SourceReviewForm, CompactRowForm):
    """A compact row of sourced figures: a changed figure needs its source updated or confirmed
    (the question is asked under the row)."""


class SpecificityInput(forms.NumberInput):
    """A compact row's specificity, with the LR+ and LR− it implies (as saved) under it."""

    def __init__(self, ratios: str = "") -> None:
        super().__init__(attrs={"step": "any", "class": "figure"})
        self.ratios = ratios

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer=None) -> str:
        html = super().render(name, value, attrs, renderer)
        if not self.ratios:
            return html
        return format_html(
            '{}<span class="implied-ratios" title="{}">{}</span>',
            html,
            "What the sensitivity (probability) and specificity imply: a yes multiplies the "
            "odds by LR+, a no by LR−.",
            self.ratios,
        )


class StudyFigureRow(SourcedRow):
    """An evidence row (a condition's or a form's): its specificity shows the likelihood
    ratios it implies."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "specificity" in self.fields:
            self.fields["specificity"].widget = SpecificityInput(
                likelihood_ratios_text(self.instance)
            )


class EvidenceRowOfForm(StudyFigureRow):
    """An evidence row on the page of its form of a condition: its finding shown with the
    question."""

    identity_fields = ("finding", "population")

    def identity_text(self, name: str) -> tuple[str, str]:
        if name == "finding":
            return self.instance.finding.code, self.instance.finding.question
        return super().identity_text(name)


class EvidenceRowOfCondition(EvidenceRowOfForm):
    """An evidence row on its condition's page: under its finding's questionnaire section."""

    @property
    def group_label(self) -> str:
        if self.instance.pk is None:
            return super().group_label
        return self.instance.finding.get_section_display()


class EvidenceRowOfFinding(StudyFigureRow):
    identity_fields = ("condition", "population")

    def identity_text(self, name: str) -> tuple[str, str]:
        if name == "condition":
            return self.instance.condition.code, self.instance.condition.name
        return super().identity_text(name)


def likelihood_ratios_text(row: FindingFrequency | None) -> str:
    """The LR+ and LR− a row's sensitivity and specificity imply, or "" without a specificity."""
    ratios = row.likelihood_ratios if row is not None else None
    if ratios is None:
        return ""
    positive, negative = ratios
    return f"LR+ {positive:.2f} · LR− {negative:.2f}"


# On compact rows the likelihood ratios are shown under the specificity (SpecificityInput).
FREQUENCY_FIELDS = ("probability", "specificity")


class EvidenceInline(CompactInline):
    """Evidence rows edited on the page of their condition or of their finding."""

    model = Evidence
    joined = ("condition", "finding")


class EvidenceOnConditionInline(EvidenceInline):
    fk_name = "condition"
    form = EvidenceRowOfCondition
    fields = ("finding", "population", *FREQUENCY_FIELDS, *SOURCE_FIELDS)
    autocomplete_fields = ("finding", "reference")
    verbose_name = "evidence: how often people with this condition answer yes"
    verbose_name_plural = verbose_name

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Listed as the questionnaire asks: by section, then by the finding's place in it.
        return (
            super()
            .get_queryset(request)
            .annotate(
                section_position=_in_order_of("finding__section", QuestionnaireSection.values),
                population_position=_in_order_of("population", Population.values),
            )
            .order_by("section_position", "finding__order", "finding__code", "population_position")
        )


class EvidenceOnFindingInline(EvidenceInline):
    fk_name = "finding"
    form = EvidenceRowOfFinding
    fields = ("condition", "population", *FREQUENCY_FIELDS, *SOURCE_FIELDS)
    autocomplete_fields = ("condition", "reference")
    verbose_name = "evidence: how often people with each condition answer yes"
    verbose_name_plural = verbose_name


class PriorRow(SourcedRow):
    identity_fields = ("age_band",)


class ConditionPriorInline(CompactInline):
    model = ConditionPrior
    form = PriorRow
    joined = ("condition", "age_band")
    fields = ("age_band", "probability", *SOURCE_FIELDS)
    autocomplete_fields = ("reference",)
    verbose_name = "prior: how likely this is the cause, by age band"
    verbose_name_plural = "priors: how likely this is the cause, by age band"


class DurationEvidenceInline(CompactInline):
    model = DurationEvidence
    form = SourcedRow
    joined = ("condition",)
    fields = ("le_2_weeks", "ge_6_weeks", "ge_12_weeks", *SOURCE_FIELDS)
    autocomplete_fields = ("reference",)
    max_num = 1


def forms_share_problem(shares: list[float]) -> str | None:
    """What is wrong with the shares of one condition's forms, in the curator's words, or None.

    A condition has no forms, or at least two whose shares add up to 1 (within
    ``knowledge_format.SHARE_TOLERANCE``); publishing checks the same (knowledge_file.validate).
    """
    if not shares:
        return None
    if len(shares) < 2:
        return (
            "A condition with forms needs at least two of them: one form would be the "
            "condition itself. Add another form, or delete this one."
        )
    total = sum(shares)
    if abs(total - 1) > SHARE_TOLERANCE:
        return (
            f"The shares of the forms add up to {round(total, 4):g}, not 1: together the forms "
            "are every case of the condition. Change them so that they add up to 1; the drafts "
            "cannot be published until they do."
        )
    return None


class ConditionFormFormSet(BaseInlineFormSet):
    """The forms of a condition, all on its page: their shares must add up to 1."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        shares = [
            form.cleaned_data["share"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("share") is not None
        ]
        problem = forms_share_problem(shares)
        if problem:
            raise ValidationError(problem)


class FormCodeLink(forms.Widget):
    """A saved form's code, as a link to its page, with how many evidence rows of its own it
    has there."""

    def __init__(self, code: str, url: str, count: int) -> None:
        super().__init__()
        self.code, self.url, self.count = code, url, count

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer=None) -> str:
        return format_html(
            '<a class="row-name" href="{}" title="Edit this form and its own evidence">{}</a>'
            '<span class="own-evidence">{} evidence row{}</span>',
            self.url,
            self.code,
            self.count,
            "" if self.count == 1 else "s",
        )


class FormRow(SourcedRow):
    """A form on its condition's page: its code (once saved) links to its own page."""

    identity_fields = ("code",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form = self.instance
        if form.pk is not None and "code" in self.fields:
            count = getattr(form, "evidence_count", None)
            if count is None:
                count = form.evidence.count()
            url = reverse("admin:conditions_conditionform_change", args=[form.pk])
            self.fields["code"].widget = FormCodeLink(form.code, url, count)


class ConditionFormInline(CompactInline):
    """The forms of a condition on its page, each with its share; each form's description and
    own evidence are edited on the form's page (its code links there)."""

    model = ConditionForm
    form = FormRow
    formset = ConditionFormFormSet
    joined = ("condition",)
    fields = ("code", "name", "share", *SOURCE_FIELDS)
    autocomplete_fields = ("reference",)
    verbose_name = "form of this condition, with its share of the cases"
    verbose_name_plural = "forms: the condition as a mixture of distinct forms (shares add up to 1)"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(evidence_count=models.Count("evidence"))


class FormEvidenceInline(CompactInline):
    """A form's own evidence rows; a finding without a row here uses the condition's row."""

    model = FormEvidence
    form = EvidenceRowOfForm
    joined = ("form__condition", "finding")
    fields = ("finding", "population", *FREQUENCY_FIELDS, *SOURCE_FIELDS)
    autocomplete_fields = ("finding", "reference")
    verbose_name = "evidence of this form: how often people with it answer yes"
    verbose_name_plural = (
        "evidence of this form: how often people with it answer yes (a finding without a row "
        "here uses the condition's row)"
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(population_position=_in_order_of("population", Population.values))
            .order_by("finding__code", "population_position")
        )


class RedFlagCriterionFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not any(
            criterion.get("requirement") in {Requirement.PRESENT, Requirement.ANY_OF}
            for criterion in kept
        ):
            raise ValidationError(
                "Name at least one finding that must be answered yes, or that belongs to the "
                "“any of” group; a rule made only of “answered no” findings would fire for "
                "almost everyone."
            )


class RedFlagCriterionInline(JoinedInline):
    model = RedFlagCriterion
    joined = ("finding",)
    formset = RedFlagCriterionFormSet
    fields = ("finding", "requirement")
    autocomplete_fields = ("finding",)
    extra = 1
    verbose_name = "finding the rule looks at"
    verbose_name_plural = "findings the rule looks at"


# --- Draft models ---


class DraftHistoryAdmin(ChangeReasonAdminMixin, SimpleHistoryAdmin):
    """A draft model: the history of every change, each with who, when and why (the reason is
    asked on every add, change and delete)."""


class SpreadsheetHistoryAdmin(
    ChangeReasonAdminMixin, ImportReasonAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin
):
    """Import/export as spreadsheets, and the history of every change with who, when and why.

    The bases extend ModelAdmin cooperatively (their get_urls and templates chain through
    super()), so the import, export and history pages all exist.
    """

    # The preview lists only the rows that change, and problems in the curator's words.
    import_template_name = "admin/conditions/import.html"

    def has_import_permission(self, request: HttpRequest) -> bool:
        # django-import-export lets anyone with admin access import unless a setting says
        # otherwise; importing adds and changes rows, so it needs both permissions.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


@admin.register(Reference)
class ReferenceAdmin(SpreadsheetHistoryAdmin):
    resource_classes = [ReferenceResource]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("key", "citation", "doi")
    search_fields = ("key", "citation", "doi", "url")


@admin.register(AgeBand)
class AgeBandAdmin(DraftHistoryAdmin):
    list_display = ("code", "min_age", "max_age")
    search_fields = ("code",)


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(SourceReviewAdminMixin, DraftHistoryAdmin):
    list_display = (
        "__str__",
        "plausible_probability",
        "baseline_le_2_weeks",
        "baseline_ge_6_weeks",
        "baseline_ge_12_weeks",
    )
    list_select_related = ("baseline_duration_reference",)
    autocomplete_fields = ("baseline_duration_reference", "result_thresholds_reference")
    fieldsets = (
        (None, {"fields": ("plausible_probability",)}),
        (
            "Baseline duration: how long anyone with hip pain has had it",
            {
                "fields": (
                    "baseline_le_2_weeks",
                    "baseline_ge_6_weeks",
                    "baseline_ge_12_weeks",
                    "baseline_duration_reference",
                    "baseline_duration_expert_estimate",
                    "baseline_duration_note",
                )
            },
        ),
        (
            "The result page: which conditions are listed and which answers are reasons",
            {
                "fields": (
                    "fits_probability",
                    "fits_well_probability",
                    "reason_likelihood_ratio",
                    "result_thresholds_reference",
                    "result_thresholds_expert_estimate",
                    "result_thresholds_note",
                )
            },
        ),
        (
            "The interview: when it may stop, how full a page is",
            {
                "fields": (
                    "interview_stop_top_probability",
                    "interview_stop_top_ratio",
                    "interview_stop_min_gain",
                    "interview_opening_questions",
                    "interview_min_questions",
                    "interview_max_questions",
                    "interview_page_size",
                    "interview_warning_page_size",
                    "interview_page_share",
                    "interview_not_sure_share",
                    "interview_reference",
                    "interview_expert_estimate",
                    "interview_note",
                )
            },
        ),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # There is exactly one scoring policy; it is edited, never added twice.
        return super().has_add_permission(request) and not ScoringPolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Finding)
class FindingAdmin(SourceReviewAdminMixin, SpreadsheetHistoryAdmin):
    resource_classes = [FindingResource]
    list_display = (
        "code",
        "question",
        "section",
        "order",
        "blocks_self_care",
        "baseline_adult",
        "baseline_child",
        "baseline_expert_estimate",
    )
    list_filter = (
        "section",
        "answer_type",
        "allows_not_sure",
        "blocks_self_care",
        "baseline_expert_estimate",
    )
    search_fields = ("code", "question")
    ordering = ("section", "order", "code")
    autocomplete_fields = ("baseline_reference", "implies", "follow_up_for")
    fieldsets = (
        (None, {"fields": ("code", "question", "help_text", "answer_type")}),
        (
            "Asked about a child",
            {
                "fields": (
                    "question_for_child",
                    "help_text_for_child",
                    "statement_yes_for_child",
                    "statement_no_for_child",
                ),
                "description": (
                    "The question, its help and its statements on the result page as a parent "
                    "reads them about their child under 16; empty where the wording for everyone "
                    "fits both."
                ),
            },
        ),
        (
            "As a reason on the result page",
            {
                "fields": ("statement_yes", "statement_no"),
                "description": (
                    "What the person said, in a sentence addressed to them, shown when this "
                    "answer makes a condition noticeably more or less likely."
                ),
            },
        ),
        ("Where it is asked", {"fields": ("section", "order", "min_age", "max_age")}),
        (
            "Triage and scoring",
            {"fields": ("blocks_self_care", "allows_not_sure", "follow_up_for", "implies")},
        ),
        (
            "Baseline: how often anyone with hip pain answers yes",
            {
                "fields": (
                    "baseline_adult",
                    "baseline_child",
                    "baseline_reference",
                    "baseline_expert_estimate",
                    "baseline_note",
                )
            },
        ),
    )
    inlines = [EvidenceOnFindingInline]


@admin.register(Condition)
class ConditionAdmin(SourceReviewAdminMixin, SpreadsheetHistoryAdmin):
    resource_classes = [ConditionResource]
    list_display = ("code", "name", "category", "urgency", "min_age", "max_age", "is_other_causes")
    list_filter = ("category", "urgency", "is_other_causes")
    search_fields = ("code", "name", "icd10", "snomed_ct")
    autocomplete_fields = ("female_share_reference", "references")
    # One page a clinician can work in at 1,280 px: short fields side by side, patient texts a
    # few lines high, the figures as compact rows (conditions/admin_compact.py).
    fieldsets = (
        (None, {"fields": (("code", "name"), ("category", "urgency"), "is_other_causes")}),
        ("What the patient reads", {"fields": ("summary", "doctor_checks", "management")}),
        (
            "Who it affects",
            {"fields": (("min_age", "max_age"), "self_care_max_duration_weeks")},
        ),
        (
            "Share of women",
            {
                "fields": (
                    ("female_share", "female_share_expert_estimate"),
                    "female_share_reference",
                    "female_share_note",
                )
            },
        ),
        (
            "Codes and references",
            {"fields": (("icd10", "snomed_ct"), "references"), "classes": ("collapse",)},
        ),
    )
    formfield_overrides = {
        models.TextField: {"widget": AdminTextareaWidget(attrs={"rows": 3})},
        models.FloatField: {"widget": forms.NumberInput(attrs={"step": "any", "class": "figure"})},
    }
    inlines = [
        DurationEvidenceInline,
        ConditionPriorInline,
        ConditionFormInline,
        EvidenceOnConditionInline,
    ]

    class Media:
        css = {"all": ["conditions/admin.css"]}


@admin.register(ConditionPrior)
class ConditionPriorAdmin(SourceReviewAdminMixin, DraftHistoryAdmin):
    list_display = ("condition", "age_band", "probability", "reference", "expert_estimate")
    list_filter = ("age_band", "expert_estimate", "condition__category")
    search_fields = ("condition__code", "condition__name", "note")
    list_select_related = ("condition", "age_band", "reference")
    autocomplete_fields = ("condition", "reference")


@admin.register(DurationEvidence)
class DurationEvidenceAdmin(SourceReviewAdminMixin, DraftHistoryAdmin):
    list_display = ("condition", "le_2_weeks", "ge_6_weeks", "ge_12_weeks", "expert_estimate")
    list_filter = ("expert_estimate", "condition__category")
    search_fields = ("condition__code", "condition__name", "note")
    list_select_related = ("condition", "reference")
    autocomplete_fields = ("condition", "reference")


def evidence_list_display(owner: str) -> tuple[str, ...]:
    """The change-list columns of evidence rows of ``owner`` (their condition or their form)."""
    # The spreadsheet's columns, without the note (too long for a list).
    return (owner, *(column for column in EVIDENCE_COLUMNS if column != "note"))


def evidence_fieldsets(owner: str) -> tuple:
    """The edit page of an evidence row of ``owner`` (its condition or its form)."""
    return (
        (None, {"fields": (owner, "finding", "population")}),
        (
            "How often people answer yes",
            {"fields": ("probability", "specificity", "implied_likelihood_ratios")},
        ),
        ("Source", {"fields": SOURCE_FIELDS}),
    )


class FindingFrequencyAdmin(SourceReviewAdminMixin, SpreadsheetHistoryAdmin):
    """The pages of evidence rows, a condition's or a form's: beside a row's specificity, the
    likelihood ratios it implies with the sensitivity (read-only: they follow from the two
    figures)."""

    readonly_fields = ("implied_likelihood_ratios",)

    @admin.display(description="LR+ · LR− implied")
    def implied_likelihood_ratios(self, row: FindingFrequency | None) -> str:
        return likelihood_ratios_text(row)


class SpecificityListFilter(admin.SimpleListFilter):
    title = "specificity"
    parameter_name = "specificity"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("given", "given (a study of hip pain)"), ("none", "not given")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in {"given", "none"}:
            return queryset.filter(specificity__isnull=self.value() == "none")
        return queryset


@admin.register(Evidence)
class EvidenceAdmin(FindingFrequencyAdmin):
    resource_classes = [EvidenceResource]
    list_display = evidence_list_display("condition")
    list_filter = (
        "population",
        "expert_estimate",
        SpecificityListFilter,
        "condition__category",
        "condition",
    )
    search_fields = ("condition__code", "condition__name", "finding__code", "note")
    list_select_related = ("condition", "finding", "reference")
    autocomplete_fields = ("condition", "finding", "reference")
    fieldsets = evidence_fieldsets("condition")


@admin.register(ConditionForm)
class ConditionFormAdmin(SourceReviewAdminMixin, SpreadsheetHistoryAdmin):
    """A form of a condition: its share, and its own evidence rows."""

    resource_classes = [ConditionFormResource]
    list_display = ("condition", "code", "name", "share", "reference", "expert_estimate")
    list_filter = ("expert_estimate", "condition")
    search_fields = ("condition__code", "condition__name", "code", "name", "note")
    list_select_related = ("condition", "reference")
    autocomplete_fields = ("condition", "reference")
    fieldsets = (
        (None, {"fields": ("condition", ("code", "name"), "description")}),
        ("Share of the condition's cases", {"fields": ("share", *SOURCE_FIELDS)}),
    )
    inlines = [FormEvidenceInline]

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        condition = form.instance.condition
        problem = forms_share_problem(list(condition.forms.values_list("share", flat=True)))
        if problem:
            # Saved all the same: the shares are changed one form at a time here (or all at
            # once on the condition's page); publishing refuses them until they add up.
            self.message_user(request, f"{condition.name}: {problem}", messages.WARNING)


@admin.register(FormEvidence)
class FormEvidenceAdmin(FindingFrequencyAdmin):
    resource_classes = [FormEvidenceResource]
    list_display = evidence_list_display("form")
    list_filter = ("population", "expert_estimate", SpecificityListFilter, "form__condition")
    search_fields = ("form__condition__code", "form__code", "finding__code", "note")
    list_select_related = ("form__condition", "finding", "reference")
    autocomplete_fields = ("finding", "reference")
    fieldsets = evidence_fieldsets("form")


@admin.register(RedFlagRule)
class RedFlagRuleAdmin(DraftHistoryAdmin):
    list_display = ("code", "name", "urgency", "concern", "min_age", "max_age")
    list_filter = ("urgency", "cap_unless_ranked_first", "expert_estimate")
    search_fields = ("code", "name", "concern", "reason")
    autocomplete_fields = ("reference", "concern_conditions")
    fieldsets = (
        (None, {"fields": ("code", "name", "urgency")}),
        (
            "When it applies (every rule is a floor: the conditions that fit may raise the level)",
            {"fields": ("min_age", "max_age", "duration_min_weeks", "duration_below_weeks")},
        ),
        (
            "What it is there to catch",
            {"fields": ("concern", "concern_conditions", "cap_unless_ranked_first")},
        ),
        ("What the person reads", {"fields": ("message", "if_unanswered", "reason")}),
        ("Source", {"fields": SOURCE_FIELDS}),
    )
    inlines = [RedFlagCriterionInline]


# --- Published versions ---


@admin.register(KnowledgeBaseVersion)
class KnowledgeBaseVersionAdmin(PublishingAdminMixin, admin.ModelAdmin):
    list_display = ("number", "published_at", "published_by", "note", "short_checksum")
    list_select_related = ("published_by",)
    search_fields = ("note",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The list never shows the document (hundreds of kilobytes each); its page reads it.
        return super().get_queryset(request).defer("document")

    @admin.display(description="checksum")
    def short_checksum(self, version: KnowledgeBaseVersion) -> str:
        return version.checksum[:12]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    # --- A version's page: a summary and what changed; the document as a download ---

    def get_urls(self):
        document = path(
            "<path:object_id>/document.json",
            self.admin_site.admin_view(self.document_view),
            name="conditions_knowledgebaseversion_document",
        )
        return [document, *super().get_urls()]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        version = self._viewable_version(request, object_id)
        if request.method not in {"GET", "HEAD"}:
            # A published version is never changed (KnowledgeBaseVersion.save refuses it too).
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"Version {version.number}",
            "opts": self.model._meta,
            "summary": knowledge_base_version_summary(version),
            **(extra_context or {}),
        }
        return TemplateResponse(
            request, "admin/conditions/knowledgebaseversion/detail.html", context
        )

    def document_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The version's knowledge document as a JSON file whose SHA-256 is its checksum."""
        version = self._viewable_version(request, object_id)
        body = json.dumps(
            version.document, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        response = HttpResponse(body.encode(), content_type="application/json")
        response["Content-Disposition"] = (
            f'attachment; filename="knowledge-base-version-{version.number}.json"'
        )
        return response

    def _viewable_version(self, request: HttpRequest, object_id: str) -> KnowledgeBaseVersion:
        version = (
            KnowledgeBaseVersion.objects.select_related("published_by")
            .filter(pk=unquote(object_id))
            .first()
            if unquote(object_id).isdigit()
            else None
        )
        if version is None:
            raise Http404(f"There is no knowledge-base version {object_id}.")
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        return version
