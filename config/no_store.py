"""The clinic's pages (the workspace, the sign-in pages and the admin) and the partners' pages
(their link, the door, the questionnaire, "Exit this page") are never kept by a browser or a
proxy: `Cache-Control: no-store`, so Back and history show nothing after signing out or
leaving on a shared computer."""

from django.utils.cache import patch_cache_control

CLINIC_PREFIXES = ("/clinic/", "/admin/", "/accounts/")
PARTNER_PREFIXES = ("/i/", "/intake/", "/exit/")


class ClinicNoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(CLINIC_PREFIXES + PARTNER_PREFIXES):
            patch_cache_control(response, no_store=True)
        return response
