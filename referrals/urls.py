from django.urls import path

from .packets import views as packet_views
from .views import (
    answer,
    attachments,
    client_contact,
    conversation,
    detail,
    directory,
    disclosures,
    portal,
    screening,
    send,
    worklist,
)

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
    path("r/<str:code>/messages/", conversation.conversation, name="conversation"),
    path("r/<str:code>/documents/", attachments.documents, name="documents"),
    path(
        "r/<str:code>/documents/<int:document_id>/",
        attachments.document_download,
        name="document_download",
    ),
    # Answering from the emailed link, without an account (referrals/links.py).
    path("answer/<str:code>/<str:token>/", answer.answer, name="answer"),
    path("answer/<str:code>/<str:token>/do/<str:action>/", answer.answer_act, name="answer_act"),
    path("r/<str:code>/links/revoke/", answer.answer_links_revoke, name="answer_links_revoke"),
    # Messages to clients: contact preference, inbound texts (stop words), the confirmation form.
    path(
        "clients/<int:client_pk>/contact/",
        client_contact.contact_preference,
        name="contact_preference",
    ),
    path("sms/inbound/", client_contact.sms_inbound, name="sms_inbound"),
    path("confirm/<str:code>/<str:token>/", client_contact.client_confirm, name="client_confirm"),
    path("r/<str:code>/follow-up-done/", client_contact.follow_up_done, name="follow_up_done"),
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
