"""The packet's fixed phrases, as gettext messages (context "referral packet").

They are translated in locale/*/LC_MESSAGES/django.po like every other string, so packets,
pages, emails and screening reasons share one workflow (`make messages`, translate, compile).
The context keeps the packet's wording (written for a document a resident takes to an agency)
independent of the same English word on a screen. `phrases()` renders them in the active
language: call it inside ``translation.override(language)``.
"""

from django.utils.translation import pgettext_lazy

CONTEXT = "referral packet"

PHRASES = {
    "title": pgettext_lazy("referral packet", "Referral packet"),
    "copy_client": pgettext_lazy("referral packet", "Your copy"),
    "copy_agency": pgettext_lazy("referral packet", "Copy for the agency"),
    "intro_client": pgettext_lazy(
        "referral packet",
        "Show this page when you contact the program and give them your reference code.",
    ),
    "intro_agency": pgettext_lazy(
        "referral packet",
        "A community center referred this client to your program. Client details are "
        "limited to what the client consented to share with your agency.",
    ),
    "reference": pgettext_lazy("referral packet", "Reference code"),
    "sent_on": pgettext_lazy("referral packet", "Sent on"),
    "program": pgettext_lazy("referral packet", "Program"),
    "agency": pgettext_lazy("referral packet", "Agency"),
    "where": pgettext_lazy("referral packet", "Where to go"),
    "hours": pgettext_lazy("referral packet", "Hours"),
    "directions": pgettext_lazy("referral packet", "How to get there"),
    "contact": pgettext_lazy("referral packet", "Contact"),
    "phone": pgettext_lazy("referral packet", "Phone"),
    "email": pgettext_lazy("referral packet", "Email"),
    "bring": pgettext_lazy("referral packet", "What to bring"),
    "why_client": pgettext_lazy("referral packet", "Why you are likely eligible"),
    "why_agency": pgettext_lazy("referral packet", "Why the client is likely eligible"),
    "navigator_client": pgettext_lazy("referral packet", "Your navigator"),
    "navigator_agency": pgettext_lazy("referral packet", "Referred by"),
    "navigator_note": pgettext_lazy("referral packet", "The navigator's reason for this referral"),
    "client_info_client": pgettext_lazy(
        "referral packet", "Your information shared with the program, with your consent"
    ),
    "client_info_agency": pgettext_lazy(
        "referral packet", "Client information shared with consent"
    ),
    "name": pgettext_lazy("referral packet", "Name"),
    "date_of_birth": pgettext_lazy("referral packet", "Date of birth"),
    "address": pgettext_lazy("referral packet", "Address"),
    "language": pgettext_lazy("referral packet", "Preferred language"),
    "household_size": pgettext_lazy("referral packet", "Household size"),
    "monthly_income": pgettext_lazy("referral packet", "Monthly income"),
    "needs": pgettext_lazy("referral packet", "Needs"),
    "ask_program": pgettext_lazy("referral packet", "Ask the program."),
    "nothing_else": pgettext_lazy("referral packet", "No other information was shared."),
    "reasons_withheld_client": pgettext_lazy(
        "referral packet", "Your navigator screened you as likely eligible for this program."
    ),
    "reasons_withheld_agency": pgettext_lazy(
        "referral packet",
        "The navigator screened the client as likely eligible. The client did not consent "
        "to share intake answers with your agency, so the screening details are not "
        "shown.",
    ),
    "no_reasons": pgettext_lazy(
        "referral packet", "Your navigator will explain why this program fits you."
    ),
}


def phrases() -> dict[str, str]:
    """Every phrase in the active language (a plain dict, for the template's ``t``)."""
    return {key: str(message) for key, message in PHRASES.items()}
