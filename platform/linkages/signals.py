"""Signals for higher layers (notifications, reporting caches). Sent after commit."""

from django.dispatch import Signal

# Sent with: linkage (Linkage), from_stage (str, "" for a new linkage), to_stage (str), actor (User or None).
linkage_stage_changed = Signal()
