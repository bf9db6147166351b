"""django-auditlog's middleware, with the actor read when an entry is written rather than when the request arrives.

AuditlogMiddleware takes ``request.user`` as the request comes in. The API authenticates inside the view (DRF's
token authentication), so at that moment an API client is still anonymous and its writes would have no actor.
Reading the user when the entry is saved sees the authenticated user of pages and API alike (DRF sets it on the
underlying request), and spares anonymous reads the early user lookup.
"""

from contextvars import ContextVar

from auditlog.cid import set_cid
from auditlog.context import set_extra_data
from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware

current_request = ContextVar("audit_current_request", default=None)


class AuditlogMiddleware(BaseAuditlogMiddleware):
    def get_extra_data(self, request):
        return {
            "remote_addr": self._get_remote_addr(request),
            "remote_port": self._get_remote_port(request),
            "actor": None,
        }

    def __call__(self, request):
        set_cid(request)
        token = current_request.set(request)
        try:
            with set_extra_data(context_data=self.get_extra_data(request)):
                return self.get_response(request)
        finally:
            current_request.reset(token)


def set_actor_from_request(sender, instance, **kwargs) -> None:
    """pre_save of LogEntry: the user of the request being served, unless an actor was set explicitly."""
    if instance.actor_id is not None:
        return
    request = current_request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and user.is_authenticated:
        instance.actor = user
        instance.actor_email = user.email
