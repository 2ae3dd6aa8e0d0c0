"""Referral packets: the PDF a referral carries (a client copy in the client's language and an
agency copy in English), rendered by a Celery task whose state lives on the referral row."""
