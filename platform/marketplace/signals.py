"""Signals for notifications (sent on commit by the services)."""

from django.dispatch import Signal

# Sent with: response (Response), revised (bool).
response_submitted = Signal()
# Sent with: clarification (Clarification): a supplier asked a question.
question_asked = Signal()
# Sent with: clarification (Clarification), recipients (list of SupplierProfile): the answer is published.
clarification_published = Signal()
# Sent with: requirement (Requirement), supplier (SupplierProfile): an invited supplier has not answered by the
# requirement's respond-by date.
response_reminder_due = Signal()
# Sent with: requirement (Requirement), awarded (list of Response), not_awarded (list of Response).
award_decided = Signal()
