from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

app_name = "conversations"

router = SimpleRouter()
router.register("threads", api.ThreadViewSet, basename="conversations-thread")

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<rowid:pk>/", views.thread_page, name="thread"),
    path("linkages/<rowid:pk>/", views.linkage_thread, name="linkage"),
    path("responses/<rowid:pk>/", views.response_thread, name="response"),
    path("attachments/<rowid:pk>/", views.attachment, name="attachment"),
    path("suppliers/<rowid:pk>/contact/", views.contact, name="contact"),
    path("suppliers/<rowid:pk>/invite/", views.invite, name="invite"),
    path("suppliers/<rowid:pk>/shortlist/", views.shortlist, name="shortlist"),
]
api_urlpatterns = [
    *router.urls,
    path("message-attachments/<rowid:pk>/", api.AttachmentDownload.as_view(), name="message-attachment"),
]
