"""Sending a person back where they came from, never to another site (open-redirect safe)."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_within_site(request, target: str, *fallback_args, **fallback_kwargs):
    """Redirect to ``target`` if it is on this site, else to ``redirect(*fallback_args, **fallback_kwargs)``."""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(*fallback_args, **fallback_kwargs)
