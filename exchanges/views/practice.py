"""Views of exchange rounds: practice (see exchanges/urls.py)."""

urlpatterns = []
