from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import Language


@require_POST
def language_update(request):
    """Saves the user's interface language and returns to the page they were on."""
    language = request.POST.get("language", "")
    if language not in Language.values:
        messages.error(request, _("That language is not available."))
    else:
        request.user.language = language
        request.user.save(update_fields=["language"])
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return HttpResponseRedirect(next_url)
