from django.urls import path

from thidua.organisations import views

urlpatterns = [
    path("clusters/", views.cluster_list, name="cluster_list"),
    path("clusters/<slug:code>/", views.cluster_detail, name="cluster_detail"),
    path("clusters/<slug:code>/<int:year>/", views.cluster_year_detail, name="cluster_year_detail"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/contact/", views.unit_contact_update, name="unit_contact_update"),
]
