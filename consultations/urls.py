from django.urls import path

from consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("new/", views.consultation_new, name="new"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/book/", views.consultation_book, name="book"),
    path("<int:pk>/withdraw/", views.consultation_withdraw, name="withdraw"),
    path("<int:pk>/messages/", views.message_post, name="message"),
    path("<int:pk>/documents/", views.documents_add, name="documents_add"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
    path("appointments/<int:pk>/", views.appointment_manage, name="appointment"),
    path("appointments/link/<str:token>/", views.appointment_link, name="appointment_link"),
    path("feedback/<str:token>/", views.feedback, name="feedback"),
]
