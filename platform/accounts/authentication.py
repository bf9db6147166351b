"""API token authentication that cannot be used to guess tokens.

DRF authenticates before it throttles, so a request with a wrong token is refused (401) before any throttle counts
it: the anonymous rate never applies to token guessing. This class counts those failures per address itself and
refuses (429) once an address has made too many, before looking the token up.
"""

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header

from .throttles import TokenFailureThrottle


class ThrottledTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword.lower().encode():
            return None
        throttle = TokenFailureThrottle()
        if throttle.exhausted(request):
            raise exceptions.Throttled(wait=throttle.wait(), detail=throttle.message())
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.record_failure(request)
            raise
