"""`/healthz` outside the `core` namespace: load balancers and the README name it so."""

from django.urls import path

from portal.core.views import healthz

urlpatterns = [path("", healthz, name="healthz")]
