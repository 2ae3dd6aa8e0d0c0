"""Casebridge's APIs for partner systems: REST (DRF + OpenAPI), webhooks and FHIR R4 (SDOHCC).

Sits above the apps it serves (``api -> referrals -> casework``); nothing imports it back.
"""
