from django.urls import path

from . import views
from .questionnaire import CURRENT

app_name = "intake"

wizard = views.IntakeWizard.for_questionnaire(CURRENT)

urlpatterns = [
    path("i/<str:token>/", views.open_link, name="open"),
    path("exit/", views.exit_page, name="exit"),
    path("intake/<str:public_id>/", wizard, name="resume"),
    path("intake/<str:public_id>/submitted/", views.submitted, name="submitted"),
    path("intake/<str:public_id>/<str:step>/", wizard, name="step"),
]
