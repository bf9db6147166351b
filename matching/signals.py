"""Signals for higher layers (notifications): sent after the commit that stores a run's matches."""

from django.dispatch import Signal

# Sent with: run (MatchRun, status succeeded).
match_run_finished = Signal()
