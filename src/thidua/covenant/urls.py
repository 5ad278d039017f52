from django.urls import path

from thidua.covenant import views

app_name = "covenant"
urlpatterns = [
    path("<slug:code>/<int:year>/transition/", views.transition, name="transition"),
    path("<slug:code>/<int:year>/deadlines/", views.deadlines, name="deadlines"),
    path("<slug:code>/<int:year>/criteria/", views.criteria, name="criteria"),
    path("<slug:code>/<int:year>/criteria/bands/", views.bands_edit, name="bands"),
    path("<slug:code>/<int:year>/criteria/export.xlsx", views.criteria_export, name="criteria_export"),
    path("<slug:code>/<int:year>/criteria/import/", views.criteria_import, name="criteria_import"),
    path("criterion/<int:pk>/", views.criterion_edit, name="criterion_edit"),
    path("criterion/<int:pk>/action/", views.criterion_action, name="criterion_action"),
    path("<slug:code>/<int:year>/registrations/", views.registrations, name="registrations"),
    path("<slug:code>/<int:year>/registrations/<int:unit_id>/", views.registration, name="registration"),
    path("registration/<int:pk>/review/", views.registration_review, name="registration_review"),
    path("<slug:code>/<int:year>/signing/", views.signing, name="signing"),
    path("signature/<int:pk>/scan/", views.signature_scan, name="signature_scan"),
    path("signature/<int:pk>/scan/upload/", views.signature_scan_upload, name="signature_scan_upload"),
]
