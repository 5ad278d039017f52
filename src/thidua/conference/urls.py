from django.urls import path

from thidua.conference import views

app_name = "conference"
urlpatterns = [
    path("c/<int:conference_id>/<slug:action>/", views.conference_action, name="action"),
    path("ballot/<int:ballot_id>/", views.ballot_detail, name="ballot"),
    path("ballot/<int:ballot_id>/published.json", views.ballot_published, name="published"),
    path("ballot/<int:ballot_id>/do/<slug:action>/", views.ballot_action, name="ballot_action"),
    path("rotation/<slug:code>/", views.rotation, name="rotation"),
    # Last: a cluster code could otherwise shadow "ballot" or "c".
    path("<slug:code>/<int:year>/", views.conference_detail, name="detail"),
]
