"""What a user should know: kept in the app, and sent by e-mail once a day as one digest."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .texts import render


class Notification(models.Model):
    class Kind(models.TextChoices):
        OPPORTUNITY = "opportunity", _("New matching opportunity")
        STAGE_CHANGE = "stage_change", _("Linkage stage change")
        MEETING_REQUEST = "meeting_request", _("Meeting request")
        MEETING_DECISION = "meeting_decision", _("Meeting decision")
        CERTIFICATE_EXPIRY = "certificate_expiry", _("Certificate expiry")
        OUTCOME_FOLLOW_UP = "outcome_follow_up", _("Outcome follow-up")
        RESPONSE = "response", _("Response to a requirement")
        CLARIFICATION = "clarification", _("Clarification published")
        RESPONSE_REMINDER = "response_reminder", _("Response reminder")
        AWARD = "award", _("Award decision")
        MESSAGE = "message", _("New message")
        FORECAST = "forecast", _("Demand forecast")
        FORECAST_INTEREST = "forecast_interest", _("Interest in a forecast")
        SAVED_SEARCH = "saved_search", _("New results for a saved search")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    # The facts the words are made of (names, stage codes, dates): title and body are rendered from kind + params
    # in the reader's language when shown. title/body keep the words in the recipient's language at creation, the
    # fallback for rows without params (created before they were stored).
    params = models.JSONField(default=dict, blank=True)
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    # The same event never notifies a person twice (a re-run, a redelivered task, a second daily scan).
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once_per_recipient")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.title}"

    def _rendered(self) -> tuple[str, str] | None:
        return render(self.kind, self.params)

    @property
    def display_title(self) -> str:
        """The title in the active language (the stored one for a row without parameters)."""
        rendered = self._rendered()
        return rendered[0] if rendered else self.title

    @property
    def display_body(self) -> str:
        rendered = self._rendered()
        return rendered[1] if rendered else self.body


class SavedSearch(models.Model):
    """A search a person keeps and hears about: an SME follows categories and keywords among the open requirements
    it may see; a buyer's team member keeps a supplier search. The daily check (notifications.services_alerts)
    announces in the digest what newly matches; ``results`` holds what was already there or announced, so nothing is
    announced twice. Personal: only its owner sees it."""

    class Kind(models.TextChoices):
        SUPPLIERS = "suppliers", _("Supplier search")
        OPPORTUNITIES = "opportunities", _("Followed categories and keywords")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    # The organisation the owner searched for (the buyer, or the SME that follows): leaving it ends the alerts.
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    # Supplier search: the search's parameters by their public names (suppliers.selectors.SEARCH_PARAMETERS).
    # Opportunities: {"categories": [CPV codes], "keywords": [words]}.
    filters = models.JSONField(_("filters"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "kind"], name="saved_search_owner_kind")]

    def __str__(self) -> str:
        return f"{self.owner}: {self.name}"


class SavedSearchResult(models.Model):
    """One supplier profile or requirement a saved search has found: there when it was saved (``announced`` False),
    or announced by a daily check."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="results")
    object_id = models.BigIntegerField()
    announced = models.BooleanField(default=False)
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["saved_search", "object_id"], name="saved_search_result_once")]

    def __str__(self) -> str:
        return f"{self.saved_search_id}: {self.object_id}"
