from django.urls import path

from trainings import views

app_name = "trainings"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("feed.ics", views.feed, name="feed"),
    path("mine/", views.mine, name="mine"),
    path("dates/<int:pk>/calendar.ics", views.date_ics, name="date_ics"),
    path("dates/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("dates/<int:pk>/participants/", views.participants, name="participants"),
    path("dates/<int:pk>/participants.csv", views.participants_csv_view, name="participants_csv"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="cancel"),
    path("registrations/<int:pk>/certificate.pdf", views.certificate_pdf_view, name="certificate"),
    path("programmes/<slug:slug>/", views.programme, name="programme"),
    path(
        "programmes/<slug:slug>/certificate.pdf",
        views.programme_certificate_pdf,
        name="programme_certificate",
    ),
    path("feedback/<str:token>/", views.feedback, name="feedback"),
    path("guests/confirm/<str:token>/", views.guest_confirm, name="guest_confirm"),
    path("guests/cancel/<str:token>/", views.guest_cancel, name="guest_cancel"),
    path("<slug:slug>/", views.course, name="course"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/guest/", views.guest_register, name="guest_register"),
]
