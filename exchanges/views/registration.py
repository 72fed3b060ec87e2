"""Views of exchange rounds: registration (see exchanges/urls.py)."""

urlpatterns = []
