from django.contrib import admin

from .models import AuditEntry, ClinicParameters, Flag, Screening


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


class FlagInline(admin.TabularInline):
    model = Flag
    fields = ("rule", "severity", "partner", "topic", "message", "evidence")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Screening)
class ScreeningAdmin(admin.ModelAdmin):
    list_display = ["couple", "created_at", "reason", "ruleset_version", "partners"]
    list_filter = ["reason", "ruleset_version"]
    search_fields = ["couple__reference"]
    inlines = [FlagInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log cannot be added to, changed or deleted from the admin."""

    list_display = ["at", "actor_name", "action", "couple", "partner_label", "ip_address"]
    list_filter = ["action"]
    search_fields = ["couple__reference", "actor_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
