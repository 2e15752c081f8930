from django.urls import path

from . import door, views

app_name = "intake"

wizard = views.IntakeWizard.view()

urlpatterns = [
    path("i/<str:token>/", views.open_link, name="open"),
    path("exit/", views.exit_page, name="exit"),
    path("intake/<str:public_id>/", wizard, name="resume"),
    path("intake/<str:public_id>/submitted/", views.submitted, name="submitted"),
    # The door (before, and around, the questionnaire's steps): no step has these names.
    path("intake/<str:public_id>/start/", door.start, name="start"),
    path("intake/<str:public_id>/consent/", door.consent, name="consent"),
    path("intake/<str:public_id>/declined/", door.declined, name="declined"),
    path("intake/<str:public_id>/consent.pdf", door.consent_pdf, name="consent_pdf"),
    path("intake/<str:public_id>/code/", door.choose_code, name="code"),
    path("intake/<str:public_id>/unlock/", door.unlock, name="unlock"),
    path("intake/<str:public_id>/alive/", door.alive, name="alive"),
    path("intake/<str:public_id>/<str:step>/", wizard, name="step"),
]
