"""Words of this area's notification kinds, in the active language (see notifications.texts)."""

RENDERERS: dict = {}
