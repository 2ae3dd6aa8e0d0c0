"""The per-client disclosure report: which partner saw what of this client, and when."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from casework.access import client_for_read
from referrals.disclosure import disclosed_labels
from referrals.models import Referral
from referrals.selectors import DISCLOSURES_PAGE_SIZE, client_disclosures, paginate

from ._common import url_or_none


@require_GET
def client_disclosure_report(request, client_pk):
    client = client_for_read(request, client_pk, own_center=True, purpose="disclosure_report")
    page = paginate(
        client_disclosures(client=client),
        page_number=request.GET.get("page"),
        per_page=DISCLOSURES_PAGE_SIZE,
    )
    entries = list(page.object_list)
    codes = dict(
        Referral.objects.filter(
            pk__in=[e.object_id for e in entries if e.object_type == "referral"]
        ).values_list("pk", "reference_code")
    )
    rows = [
        {
            "entry": e,
            "reference_code": codes.get(e.object_id) if e.object_type == "referral" else None,
            "scopes": disclosed_labels(e.fields_disclosed),
        }
        for e in entries
    ]
    return render(
        request,
        "referrals/client_disclosures.html",
        {
            "client": client,
            "page": page,
            "rows": rows,
            "client_url": url_or_none("casework:client_detail", client.pk),
        },
    )
