"""drf-spectacular post-processing: every operation documents the errors it can answer with
(the shared error shape for /api/v1, an OperationOutcome object for /api/fhir), so clients and
Schemathesis see the whole contract."""

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {}},
    },
    "required": ["detail", "code"],
}
OPERATION_OUTCOME = {
    "type": "object",
    "properties": {"resourceType": {"type": "string", "enum": ["OperationOutcome"]}},
    "required": ["resourceType"],
}
DESCRIPTIONS = {
    "400": "Invalid input (the message says what to fix).",
    "401": "No token, or a revoked or expired one.",
    "404": "Not found, or not yours to see.",
    "429": "Too many requests: slow down (see Retry-After).",
}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    components.setdefault("OperationOutcome", OPERATION_OUTCOME)
    for path, operations in result.get("paths", {}).items():
        fhir = path.startswith("/api/fhir/")
        ref = {"$ref": "#/components/schemas/" + ("OperationOutcome" if fhir else "Error")}
        media = ["application/fhir+json", "application/json"] if fhir else ["application/json"]
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            codes = ["400", "401", "404", "429"]
            for code in codes:
                if code in responses:
                    continue
                responses[code] = {
                    "description": DESCRIPTIONS[code],
                    "content": {m: {"schema": ref} for m in media},
                }
    return result
