from django.urls import path

from portal.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("off/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
