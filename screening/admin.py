from typing import TYPE_CHECKING

from django.contrib import admin

from .access import is_clinician
from .models import AuditEntry, ClinicParameters, Flag, Screening, record

if TYPE_CHECKING:  # the mixin's methods extend a ModelAdmin's or an inline's
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


class ClinicalAdminMixin(_AdminBase):
    """Clinical content (answers, flags, evidence, scores, alerts) in the admin: only for
    clinicians, and every look at it audited as a view of the case. A staff user or a
    superuser who is not in the clinicians group does not see the model at all (it is left
    off the admin's index, and its pages answer 403)."""

    def has_module_permission(self, request):
        return is_clinician(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_clinician(request.user) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return is_clinician(request.user) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def couple_of(self, obj):
        return obj.couple

    def _audit(self, request, page, obj=None):
        record(
            request.user,
            AuditEntry.Action.CASE_VIEWED,
            self.couple_of(obj) if obj is not None else None,
            request=request,
            via="admin",
            model=self.model._meta.model_name,
            page=page,
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            self._audit(request, "list")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            self._audit(request, "change", self.get_object(request, object_id))
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            self._audit(request, "history", self.get_object(request, object_id))
        return response


@admin.register(ClinicParameters)
class ClinicParametersAdmin(admin.ModelAdmin):
    """One row of parameters. A change applies to screenings from now on; stored ones keep
    the values they were made with. Run `manage.py rescreen --all` to apply it to every case."""

    list_display = [
        "cardiac_window_months",
        "bp_systolic_max",
        "bp_diastolic_max",
        "ptsd_cutoff",
        "csi_cutoff",
        "min_age",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return not ClinicParameters.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class FlagInline(ClinicalAdminMixin, admin.TabularInline):
    model = Flag
    fields = ("rule", "severity", "partner", "topic", "message", "evidence")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Screening)
class ScreeningAdmin(ClinicalAdminMixin, admin.ModelAdmin):
    list_display = ["couple", "created_at", "reason", "ruleset_version", "partners"]
    list_filter = ["reason", "ruleset_version"]
    search_fields = ["couple__reference"]
    inlines = [FlagInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log cannot be added to, changed or deleted from the admin."""

    list_display = ["at", "actor_name", "action", "couple", "partner_label", "ip_address"]
    list_filter = ["action"]
    search_fields = ["couple__reference", "actor_name"]

    def get_exclude(self, request, obj=None):
        # An entry's details name the rule of a flag and the clinician's reasons: clinical,
        # so for clinicians only.
        return [] if is_clinician(request.user) else ["data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
