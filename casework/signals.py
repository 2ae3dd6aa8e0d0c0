from django.dispatch import Signal

# Sent inside the revoking transaction with consent= and actor=; casework never imports the
# apps that listen (referrals ends agency access on it).
consent_revoked = Signal()

# Sent inside the changing transaction with consent=, actor=, scopes_removed= (scope names) and
# recipients_removed= (organization ids); referrals re-syncs the agencies' grants and re-renders
# packets that showed more than the consent now covers.
consent_changed = Signal()
