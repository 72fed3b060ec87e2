"""`/certificates/<code>/`: the address printed on every certificate, outside `/trainings/`."""

from django.urls import path

from trainings.views import certificate_verify

urlpatterns = [path("<str:code>/", certificate_verify, name="certificate_verify")]
