"""What supplier development tells the apps above it (notifications)."""

from django.dispatch import Signal

intervention_moved = Signal()  # intervention: moved to another phase
follow_up_due = Signal()  # request: a FollowUpRequest just due; the SME is asked for its outcomes
