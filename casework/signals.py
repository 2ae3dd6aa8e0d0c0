from django.dispatch import Signal

# Sent inside the revoking transaction with consent= and actor=; casework never imports the
# apps that listen (referrals ends agency access on it).
consent_revoked = Signal()
