"""Code systems and mappings used to present referrals as FHIR R4 SDOH Clinical Care (SDOHCC)
resources. See docs/api.md (FHIR) for the table."""

from casework.models.intake import Need
from referrals.models import ReferralStatus, Urgency

SDOHCC = "http://hl7.org/fhir/us/sdoh-clinicalcare"
SDOHCC_TEMP_CODES = f"{SDOHCC}/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
PROFILE_TASK = f"{SDOHCC}/StructureDefinition/SDOHCC-TaskForReferralManagement"
PROFILE_SERVICE_REQUEST = f"{SDOHCC}/StructureDefinition/SDOHCC-ServiceRequest"
TASK_CODE_SYSTEM = "http://hl7.org/fhir/CodeSystem/task-code"
SNOMED = "http://snomed.info/sct"
ORG_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/organization-type"
LANGUAGE_SYSTEM = "urn:ietf:bcp:47"

# Casebridge's own code systems (identifiers, business status, reasons, outcomes).
CB = "urn:casebridge:fhir"
CB_REFERRAL_ID = f"{CB}:referral"
CB_CLIENT_ID = f"{CB}:client"
CB_ORG_ID = f"{CB}:organization"
CB_BUSINESS_STATUS = f"{CB}:CodeSystem:referral-business-status"
CB_REJECTION_REASON = f"{CB}:CodeSystem:rejection-reason"
CB_OUTCOME = f"{CB}:CodeSystem:outcome"
CB_DECIDED_BY = f"{CB}:CodeSystem:decided-by"
CB_NEED = f"{CB}:CodeSystem:need"

# Task.status: Casebridge's statuses are the SDOHCC Task statuses already.
TASK_STATUS = {s.value: s.value for s in ReferralStatus}
# What a PATCH of Task.status to a value asks the portal's lifecycle to do.
ACTION_FOR_TASK_STATUS = {
    ReferralStatus.ACCEPTED: "accept",
    ReferralStatus.REJECTED: "reject",
    ReferralStatus.IN_PROGRESS: "start",
    ReferralStatus.COMPLETED: "complete",
    ReferralStatus.FAILED: "fail",
    ReferralStatus.CANCELLED: "cancel",
}

# ServiceRequest.status follows the referral: open -> active, completed -> completed,
# declined / failed / cancelled -> revoked (the request will not be fulfilled as sent).
SERVICE_REQUEST_STATUS = {
    ReferralStatus.REQUESTED: "active",
    ReferralStatus.ACCEPTED: "active",
    ReferralStatus.IN_PROGRESS: "active",
    ReferralStatus.COMPLETED: "completed",
    ReferralStatus.REJECTED: "revoked",
    ReferralStatus.FAILED: "revoked",
    ReferralStatus.CANCELLED: "revoked",
}

# Task.priority / ServiceRequest.priority (FHIR request-priority: routine < urgent < asap < stat).
# "soon" (within a week) is "urgent" ("actioned promptly, higher priority than routine");
# Casebridge's "urgent" is "asap". Task.restriction.period.end carries the week for "soon".
PRIORITY = {
    Urgency.ROUTINE: "routine",
    Urgency.SOON: "urgent",
    Urgency.URGENT: "asap",
}

# SDOH category (SDOHCC ValueSet SDOHCC-ValueSetSDOHCategory) for each Casebridge need.
SDOH_CATEGORY = {
    Need.FOOD: ("food-insecurity", "Food Insecurity"),
    Need.HEALTH: ("health-insurance-coverage-status", "Health Insurance Coverage Status"),
    Need.HOUSING: ("housing-instability", "Housing Instability"),
    Need.DIGITAL_ACCESS: ("digital-access", "Digital Access"),
    Need.JOBS: ("employment-status", "Employment Status"),
    Need.EDUCATION: ("educational-attainment", "Educational Attainment"),
    Need.CHILDCARE: ("material-hardship", "Material Hardship"),
    Need.LEGAL: ("sdoh-category-unspecified", "SDOH Category Unspecified"),
    Need.TRANSPORTATION: ("transportation-insecurity", "Transportation Insecurity"),
    Need.UTILITIES: ("utility-insufficiency", "Utility Insufficiency"),
    Need.MENTAL_HEALTH: ("stress", "Stress"),
}
UNSPECIFIED_CATEGORY = ("sdoh-category-unspecified", "SDOH Category Unspecified")

# Task.businessStatus: finer than Task.status (overdue is only visible here).
BUSINESS_STATUS = {
    "awaiting-response": "Waiting for the agency to respond",
    "overdue": "No response after 5 business days",
    "accepted": "Accepted by the agency",
    "in-progress": "Agency is working with the client",
    "declined": "Declined by the agency",
    "completed": "Service delivered",
    "failed": "Closed without the service",
    "cancelled": "Cancelled by the sending center",
}
