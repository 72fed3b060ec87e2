from django.urls import path

from portal.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("profile/", views.profile_edit, name="profile"),
    path("memberships/new/", views.membership_new, name="membership_new"),
    path(
        "memberships/new/municipality/",
        views.membership_new_municipality,
        name="membership_new_municipality",
    ),
    path(
        "memberships/new/organisation/",
        views.membership_new_organisation,
        name="membership_new_organisation",
    ),
    path(
        "memberships/<int:pk>/withdraw/",
        views.membership_withdraw_view,
        name="membership_withdraw",
    ),
]
