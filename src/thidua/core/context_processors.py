from django.conf import settings


def navigation(request):
    """Values every page's layout needs (the app's name and version, the current language list)."""
    from thidua import __version__

    return {"THIDUA_VERSION": __version__, "THIDUA_DEBUG": settings.DEBUG}
