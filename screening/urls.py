from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("cases/new/", views.new_case, name="new_case"),
    path("cases/<str:reference>/", views.case_detail, name="case"),
    path("cases/<str:reference>/dispositions/", views.record_disposition, name="disposition"),
    path("cases/<str:reference>/assign/", views.assign, name="assign"),
    path("cases/<str:reference>/sign-off/", views.sign_off, name="sign_off"),
    path("cases/<str:reference>/reopen/", views.reopen_case, name="reopen_case"),
    path("cases/<str:reference>/audit/", views.audit_log, name="audit"),
    path("cases/<str:reference>/summary/again/", views.summary_again, name="summary_again"),
    path("cases/<str:reference>/summary.pdf", views.summary_download, name="summary"),
    path(
        "cases/<str:reference>/summary-v<int:version>.pdf",
        views.summary_download,
        name="summary_version",
    ),
    path("cases/<str:reference>/summary-draft.pdf", views.summary_draft, name="summary_draft"),
    path("cases/<str:reference>/partners/<str:label>/link/", views.partner_link, name="link"),
    path(
        "cases/<str:reference>/partners/<str:label>/link/<str:action>/",
        views.confirm_link,
        name="confirm_link",
    ),
    path("cases/<str:reference>/partners/<str:label>/reopen/", views.reopen_answers, name="reopen"),
    path(
        "cases/<str:reference>/partners/<str:label>/resume-code/",
        views.reset_resume_code,
        name="reset_resume_code",
    ),
]
