"""The admin pages of change control: what is waiting for publication, and publishing it.

"Waiting for publication" (curators and reviewers) lists every field the drafts change against
the latest published version: old → new, who changed it, when, why, and the figure's source.
"Publish the knowledge base" (reviewers) shows the same list and the clinical test bench, and
publishes through ``knowledge_base_publish``, which refuses the reviewer's own edits (four
eyes), an unchanged draft, drafts changed since the page was read, and a draft the bench shows
less safe unless the reviewer acknowledges it with a reason.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from conditions import knowledge_file
from conditions.knowledge_file import KnowledgeFileError
from conditions.selectors import bench_comparison, knowledge_base_pending_publication
from conditions.services import (
    DraftsChangedSinceReview,
    NothingToPublish,
    OwnEditsNotReviewed,
    SafetyAcknowledgementRequired,
    knowledge_base_publish,
)

PUBLISH_PERMISSION = "conditions.publish_knowledgebaseversion"
# Curators and reviewers both see the drafts; a curator's group grants viewing every draft model.
VIEW_DRAFTS_PERMISSION = "conditions.view_condition"
ONLY_REVIEWERS_PUBLISH = (
    "Only a reviewer can publish the knowledge base; ask a member of the Reviewers group."
)
ONLY_CURATORS_SEE_DRAFTS = (
    "Only curators and reviewers can see the changes waiting for publication; ask an "
    "administrator to add you to the Curators or Reviewers group."
)


class PublishForm(forms.Form):
    """The publisher's note; and, when the test bench shows the drafts less safe, an explicit
    acknowledgement with its reason."""

    note = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="What changed and why, for whoever reads this version later.",
        error_messages={"required": "Enter a note saying what changed and why"},
    )
    # The drafts the reviewer read: publishing is refused if they changed since.
    reviewed_checksum = forms.CharField(widget=forms.HiddenInput())

    def __init__(self, *args, worsens_safety: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if worsens_safety:
            self.fields["safety_acknowledged"] = forms.BooleanField(
                label=(
                    "I have read the test bench: this version misses an emergency or "
                    "under-triages a case that the published version does not, and it should "
                    "still be published"
                ),
                error_messages={"required": "Tick to acknowledge what the test bench shows"},
            )
            self.fields["safety_acknowledgement"] = forms.CharField(
                label="Why it is still right to publish it",
                widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
                help_text="Kept with the version, beside the bench figures.",
                error_messages={
                    "required": "Enter why it is still right to publish a less safe version"
                },
            )


class PublishingAdminMixin:
    """For ``KnowledgeBaseVersionAdmin``: the publish and waiting-for-publication pages."""

    def get_urls(self):
        site = self.admin_site
        return [
            path(
                "publish/",
                site.admin_view(self.publish_view),
                name="conditions_knowledgebaseversion_publish",
            ),
            path(
                "waiting/",
                site.admin_view(self.waiting_view),
                name="conditions_knowledgebaseversion_waiting",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "can_publish": request.user.has_perm(PUBLISH_PERMISSION),
        }
        return super().changelist_view(request, extra_context)

    def waiting_view(self, request: HttpRequest) -> HttpResponse:
        """Every change in the drafts since the latest published version, field by field."""
        if not request.user.has_perm(VIEW_DRAFTS_PERMISSION):
            raise PermissionDenied(ONLY_CURATORS_SEE_DRAFTS)
        context = {
            **self.admin_site.each_context(request),
            "title": "Waiting for publication",
            "opts": self.model._meta,
            "pending": knowledge_base_pending_publication(),
            "can_publish": request.user.has_perm(PUBLISH_PERMISSION),
        }
        return TemplateResponse(
            request, "admin/conditions/knowledgebaseversion/waiting.html", context
        )

    def publish_view(self, request: HttpRequest) -> HttpResponse:
        """Show the changes and the test bench, ask for a note, and publish on POST."""
        if not request.user.has_perm(PUBLISH_PERMISSION):
            raise PermissionDenied(ONLY_REVIEWERS_PUBLISH)
        pending = knowledge_base_pending_publication()
        comparison = bench_comparison(pending)
        checksum = knowledge_file.checksum(pending.draft_document)
        form = PublishForm(
            request.POST if request.method == "POST" else None,
            initial={"reviewed_checksum": checksum},
            worsens_safety=bool(comparison is not None and comparison.worsens_safety),
        )
        if request.method == "POST" and form.is_valid():
            try:
                version = knowledge_base_publish(
                    published_by=request.user,
                    note=form.cleaned_data["note"],
                    safety_acknowledgement=form.cleaned_data.get("safety_acknowledgement", ""),
                    reviewed_checksum=form.cleaned_data["reviewed_checksum"],
                )
            except KnowledgeFileError as problem:
                for error in problem.errors:
                    form.add_error(None, error)
            except (
                NothingToPublish,
                OwnEditsNotReviewed,
                SafetyAcknowledgementRequired,
                DraftsChangedSinceReview,
            ) as refusal:
                form.add_error(None, str(refusal))
            else:
                self.message_user(request, f"Published version {version.number}", messages.SUCCESS)
                return redirect(reverse("admin:conditions_knowledgebaseversion_changelist"))
        own_edits = pending.edited_by(request.user.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Publish the knowledge base",
            "opts": self.model._meta,
            "form": form,
            "pending": pending,
            "bench": comparison,
            "own_edits": own_edits,
            "own_editor": request.user.get_username(),
            "publishable": not (pending.problems or pending.unchanged or own_edits),
        }
        return TemplateResponse(
            request, "admin/conditions/knowledgebaseversion/publish.html", context
        )
