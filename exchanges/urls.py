from exchanges.views import moderation, practice, public, registration

app_name = "exchanges"

# The practice library first: `practice/` must not be read as the slug of a round.
urlpatterns = [
    *practice.urlpatterns,
    *registration.urlpatterns,
    *moderation.urlpatterns,
    *public.urlpatterns,
]
