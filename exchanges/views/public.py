"""Views of exchange rounds: public (see exchanges/urls.py)."""

urlpatterns = []
