from django.urls import path

from thidua.awards import views

app_name = "awards"
urlpatterns = [
    path("", views.nomination_list, name="nomination_list"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<slug:code>/edit/", views.award_type_edit, name="award_type_edit"),
    path("blockers/", views.blockers, name="blockers"),
    path("eligibility/", views.eligibility, name="eligibility"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination_detail"),
    path("nominations/<int:pk>/drafts/", views.nomination_drafts, name="nomination_drafts"),
    path("nominations/<int:pk>/upload/", views.nomination_upload, name="nomination_upload"),
    path("nominations/<int:pk>/to-trinh/", views.nomination_issue, name="nomination_issue"),
    path("nominations/<int:pk>/files/<int:doc_id>/", views.nomination_file, name="nomination_file"),
    path("nominations/<int:pk>/documents/<int:doc_id>.<str:fmt>", views.nomination_issued_file,
         name="nomination_issued_file"),
    path("nominations/<int:pk>/<slug:action>/", views.nomination_action, name="nomination_action"),
    path("units/<int:unit_id>/history/", views.unit_history, name="unit_history"),
    path("persons/", views.person_list, name="person_list"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("history/import/", views.history_import, name="history_import"),
    path("history/import/template/", views.history_import_template, name="history_import_template"),
]
urlpatterns += [
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/ratings/", views.person_ratings, name="person_ratings"),
    path("units/<int:unit_id>/facts/", views.unit_facts, name="unit_facts"),
    path("base-salary/", views.base_salary, name="base_salary"),
    path("rules/", views.rules_unconfirmed, name="rules"),
    path("rules/<slug:ruleset>/<slug:rule>/", views.rule_override, name="rule_override"),
    path("households/", views.households, name="households"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("decisions/", views.decisions, name="decisions"),
]
