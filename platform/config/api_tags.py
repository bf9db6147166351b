"""The API documentation grouped by resource: every operation under the tag of the app its view comes from.

drf-spectacular would name each group after the first segment of the path after the common prefix, which for this
API is "v1" for everything. The groups and their descriptions are SPECTACULAR_SETTINGS["TAGS"]; an operation that
names one of them itself (``extend_schema(tags=[...])``) keeps it.
"""

import re

from drf_spectacular.settings import spectacular_settings

# The app a view is written in → the group its operations are listed under.
APP_TAGS = {
    "accounts": "accounts",
    "taxonomy": "taxonomy",
    "suppliers": "suppliers",
    "buyers": "requirements",
    "matching": "matching",
    "linkages": "linkages",
    "events": "events",
    "development": "programmes",
    "reporting": "reporting",
    "conversations": "messages",
    "notifications": "notifications",
    "interchange": "interchange",
    "audit": "audit",
    "marketplace": "responses",
    "forecasts": "forecasts",
}


def _shape(path: str) -> str:
    # The schema's paths name parameters after the model's key ({id}), the URL patterns after the view's ({pk}).
    return re.sub(r"\{[^}]*\}", "{}", path)


def tag_operations(result, generator, request, public):
    """drf-spectacular postprocessing hook: the tag of each operation from its view's app (``APP_TAGS``)."""
    known = {tag["name"] for tag in spectacular_settings.TAGS}
    apps = {}
    for path, _regex, method, callback in generator.endpoints or ():
        view = getattr(callback, "cls", callback)
        apps[(_shape(path), method.lower())] = view.__module__.split(".")[0]
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            own = [tag for tag in operation.get("tags", []) if tag in known]
            tag = APP_TAGS.get(apps.get((_shape(path), method), ""))
            if own:
                operation["tags"] = own
            elif tag:
                operation["tags"] = [tag]
    return result
