"""Work that may wait until a response has been sent: the server closes the response once the body is out, and
Django runs the response's closers then (before ``request_finished``), so the reader never waits for it.

This module imports no platform app.
"""

import logging

logger = logging.getLogger(__name__)


def after_response(response, function, /, **kwargs):
    """Call ``function(**kwargs)`` once ``response`` has been sent; an error in it is logged, never raised into the
    server. Returns ``response``."""

    def run():
        try:
            function(**kwargs)
        except Exception:  # nothing done after the response may break the server's loop
            logger.exception("work after the response failed: %s", getattr(function, "__name__", function))

    response._resource_closers.append(run)
    return response
