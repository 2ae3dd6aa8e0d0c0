from django.urls import path

from .packets import views as packet_views
from .views import detail, directory, disclosures, portal, screening, send, worklist

app_name = "referrals"
urlpatterns: list = [
    # Referrals: partner inbox, the referral page and its actions, sending, disclosures.
    path("inbox/", portal.inbox, name="inbox"),
    # Navigators: the referral worklist, nudging an overdue agency, the program directory.
    path("", worklist.worklist, name="worklist"),
    path("r/<str:code>/nudge/", worklist.nudge, name="nudge"),
    path("programs/", directory.program_list, name="program_list"),
    path("programs/<int:pk>/", directory.program_detail, name="program_detail"),
    path("programs/<int:pk>/refer/", directory.program_refer, name="program_refer"),
    path("r/<str:code>/", detail.detail, name="detail"),
    path(
        "r/<str:code>/do/<str:action>/",
        detail.act,
        name="act",
    ),
    path("r/<str:code>/assign/", detail.assign, name="assign"),
    path("clients/<int:client_pk>/send/", send.send, name="send"),
    # The referral's PDF packet (referrals/packets): live status, downloads, render again.
    path("r/<str:code>/packet/", packet_views.packet_status, name="packet_status"),
    path("r/<str:code>/packet.pdf", packet_views.packet_download, name="packet_download"),
    path("r/<str:code>/packet/<str:copy>.pdf", packet_views.packet_file, name="packet_file"),
    path(
        "r/<str:code>/packet/render/",
        packet_views.packet_render_again,
        name="packet_render_again",
    ),
    path(
        "clients/<int:client_pk>/disclosures/",
        disclosures.client_disclosure_report,
        name="client_disclosures",
    ),
    # Eligibility: "what if" re-screening from the client page (saves nothing).
    path(
        "clients/<int:client_pk>/suggestions/",
        screening.screening_whatif,
        name="screening_whatif",
    ),
]
