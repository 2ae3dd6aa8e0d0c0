"""The OpenAPI 3 document is generated from the code and valid; the interactive docs are served
from our own static files (the sidecar package), no CDN."""

import yaml
from django.urls import reverse
from drf_spectacular.validation import validate_schema


def test_schema_is_valid_openapi_3_and_covers_the_api(client):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)  # raises on an invalid document
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for path in (
        "/api/v1/inbox/",
        "/api/v1/referrals/",
        "/api/v1/referrals/{reference_code}/",
        "/api/v1/referrals/{reference_code}/{action}/",
        "/api/v1/programs/",
        "/api/v1/clients/",
        "/api/v1/webhooks/",
        "/api/fhir/Task/{reference_code}",
        "/api/fhir/Patient/{id}",
    ):
        assert path in paths
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_interactive_docs_come_from_our_static_files(client):
    for name in ("api:docs", "api:redoc"):
        page = client.get(reverse(name))
        assert page.status_code == 200
        html = page.content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        assert "cdn" not in html.lower() and "unpkg" not in html.lower()
