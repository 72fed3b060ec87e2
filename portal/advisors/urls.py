from django.urls import path

from portal.advisors import views

app_name = "advisors"

urlpatterns = [
    path("advisors/", views.directory, name="directory"),
    path("advisors/match/", views.match, name="match"),
    path("advisors/<slug:slug>/", views.profile_detail, name="detail"),
    path("advisors/<slug:slug>/photo/", views.photo, name="photo"),
    path("me/advisor/", views.my_profile, name="my_profile"),
    path("me/advisor/availability/", views.my_availability, name="my_availability"),
]
