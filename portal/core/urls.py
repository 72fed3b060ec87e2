from django.urls import path

from portal.core import desk_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.set_language, name="set_language"),
    path("info/<slug:slug>/", views.page, name="page"),
    path("desk/", desk_views.desk_view, name="desk"),
]
