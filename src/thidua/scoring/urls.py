from django.urls import path

from thidua.scoring import views

app_name = "scoring"
urlpatterns = [
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("<slug:code>/<int:year>/", views.dashboard, name="dashboard"),
    path("<slug:code>/<int:year>/ranking.csv", views.ranking_csv, name="ranking_csv"),
    path("<slug:code>/<int:year>/bang-tong-hop-diem.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<slug:code>/<int:year>/bao-cao-tong-ket/", views.review_report, name="review_report"),
    path("<slug:code>/<int:year>/results/<slug:action>/", views.results_action, name="results_action"),
    path("<slug:code>/<int:year>/config/", views.config, name="config"),
    path("<slug:code>/<int:year>/reports/", views.reports, name="reports"),
    path("<slug:code>/<int:year>/indicators/", views.indicators, name="indicators"),
    path("<slug:code>/<int:year>/reports/<int:unit_id>/<slug:kind>/", views.report_edit, name="report_edit"),
    path("<slug:code>/<int:year>/score/", views.scoring_home, name="scoring_home"),
    path("<slug:code>/<int:year>/score/<int:assignment_id>/", views.score_form, name="score_form"),
    path("<slug:code>/<int:year>/reconciliation/", views.reconciliation, name="reconciliation"),
]
