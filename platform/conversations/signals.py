"""Signals for higher layers (notifications). Sent after commit."""

from django.dispatch import Signal

# Sent with: message (Message), thread (Thread). The other side is told (notifications).
message_posted = Signal()
# Sent with: thread (Thread), user (User), last_read_id (int). The reader's message notifications of it are read.
thread_read = Signal()
