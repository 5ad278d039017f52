from django.urls import path

from thidua.documents import views

app_name = "documents"
urlpatterns = [path("<uuid:uid>.<str:fmt>", views.download, name="download")]
