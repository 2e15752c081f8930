"""Who may see the clinic's pages: active users in the clinicians group, nobody else."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from intake.models import Couple

CLINICIANS_GROUP = "clinicians"


def is_clinician(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.groups.filter(name=CLINICIANS_GROUP).exists()
    )


def clinician_required(view):
    """Anonymous visitors go to the login page; signed-in non-clinicians get a 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_clinician(request.user):
            raise PermissionDenied
        if not request.user.is_verified():
            # the second factor: set one up, or type a code
            return redirect_to_login(request.get_full_path(), login_url="two_factor_verify")
        return view(request, *args, **kwargs)

    return wrapper


def get_couple_for_clinician(request, reference: str) -> Couple:
    """The one place a case is looked up for the clinic's pages."""
    return get_object_or_404(Couple.objects.with_partners(), reference=reference)
