"""Limits on guessing passwords and API tokens.

django-axes counts failed sign-ins (the sign-in page, the admin, POST /api/v1/auth/token/) per account and per
address and refuses them during a cool-off; settings.AXES_* configures it and names the two callables below. The
DRF throttles add a rate per address: one on the token endpoint, one on requests carrying unknown API tokens.
"""

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle


def sign_in_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account a sign-in attempt names, as axes counts it: the e-mail address, lower-cased, so that
    "Victim@Example.org" and "victim@example.org" share one count (the backend matches them to the same user)."""
    username = None
    if credentials:
        username = credentials.get("username") or credentials.get("email")
    if username is None and request is not None and request.method == "POST":
        username = request.POST.get("username") or request.POST.get("email")
    if not isinstance(username, str):
        return None
    return username.strip().lower() or None


def cool_off_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    minutes = cool_off_minutes()
    return ngettext(
        "Too many failed sign-in attempts. Sign-in is blocked for %(minutes)d minute; try again later.",
        "Too many failed sign-in attempts. Sign-in is blocked for %(minutes)d minutes; try again later.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """What a locked-out sign-in gets (axes' AXES_LOCKOUT_CALLABLE): 429 with the cool-off, as JSON for the API and
    as the sign-in page's sibling for people."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": lockout_message(), "code": "locked_out"}, status=status)
    else:
        response = render(
            request,
            "accounts/locked_out.html",
            {"message": lockout_message(), "cool_off_minutes": cool_off_minutes()},
            status=status,
        )
    response["Retry-After"] = retry_after
    return response


class TokenEndpointThrottle(ScopedRateThrottle):
    """POST /api/v1/auth/token/: settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth-token"] per address."""

    def get_cache_key(self, request, view):
        # Counted per address even if the caller is signed in (a session must not buy unlimited password tries).
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenFailureThrottle(SimpleRateThrottle):
    """Requests with an unknown API token, per address. Only failures are recorded (see ThrottledTokenAuthentication),
    so a client using a valid token is never slowed down by this."""

    scope = "token-failures"

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _recent(self, request) -> tuple[str, list[float]]:
        self.key = self.get_cache_key(request)
        self.now = self.timer()
        history = [moment for moment in self.cache.get(self.key, []) if moment > self.now - self.duration]
        return self.key, history

    def exhausted(self, request) -> bool:
        _key, self.history = self._recent(request)
        return len(self.history) >= self.num_requests

    def record_failure(self, request) -> None:
        key, history = self._recent(request)
        self.cache.set(key, [self.now, *history], self.duration)

    def message(self) -> str:
        return _("Too many requests with an invalid API token from this address; try again later.")
