"""Reactions to casework events (casework never imports referrals)."""
