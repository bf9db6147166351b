from django.urls import path

from . import api, views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/meet/<int:participant_pk>/", views.request_meeting, name="request"),
    path("<int:pk>/schedule/", views.build_agenda, name="schedule"),
    path("<int:pk>/agenda.ics", views.agenda_ics, name="agenda-ics"),
    path("<int:pk>/agenda/", views.agenda_grid, name="agenda-grid"),
    path("requests/<int:pk>/decide/", views.decide, name="decide"),
]

api_urlpatterns = [
    path("events/", api.EventListView.as_view(), name="event-list"),
    path("events/<int:pk>/", api.EventDetailView.as_view(), name="event-detail"),
    path("events/<int:pk>/register/", api.RegisterView.as_view(), name="event-register"),
    path("events/<int:pk>/meeting-requests/", api.MeetingRequestsView.as_view(), name="event-meeting-requests"),
    path("events/<int:pk>/agenda/", api.AgendaView.as_view(), name="event-agenda"),
    path("events/<int:pk>/schedule/", api.ScheduleView.as_view(), name="event-schedule"),
    path("meeting-requests/<int:pk>/decide/", api.DecideView.as_view(), name="meeting-request-decide"),
]
