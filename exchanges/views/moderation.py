"""Views of exchange rounds: moderation (see exchanges/urls.py)."""

urlpatterns = []
