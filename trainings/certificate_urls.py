"""`/certificates/`: the check of a certificate by the code printed on it, outside
`/trainings/`; `/certificates/<code>/` is the address every certificate names."""

from django.urls import path

from trainings.views import certificate_lookup, certificate_verify

urlpatterns = [
    path("", certificate_lookup, name="certificate_lookup"),
    path("<str:code>/", certificate_verify, name="certificate_verify"),
]
