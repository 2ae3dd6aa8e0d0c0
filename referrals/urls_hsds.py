"""The HSDS 3.0 read API, mounted at /hsds/ (paths as in Open Referral's openapi.json)."""

from django.urls import path

from .views import hsds_api

app_name = "hsds"
urlpatterns = [
    path("", hsds_api.api_root, name="root"),
    path("services", hsds_api.service_list, name="services"),
    path("services/<str:hsds_id>", hsds_api.service_detail, name="service"),
    path("organizations", hsds_api.organization_list, name="organizations"),
    path("organizations/<str:hsds_id>", hsds_api.organization_detail, name="organization"),
    path("service_at_locations", hsds_api.service_at_location_list, name="service_at_locations"),
    path(
        "service_at_locations/<str:hsds_id>",
        hsds_api.service_at_location_detail,
        name="service_at_location",
    ),
    path("taxonomies", hsds_api.taxonomy_list, name="taxonomies"),
    path("taxonomies/<str:hsds_id>", hsds_api.taxonomy_detail, name="taxonomy"),
    path("taxonomy_terms", hsds_api.taxonomy_term_list, name="taxonomy_terms"),
    path("taxonomy_terms/<str:hsds_id>", hsds_api.taxonomy_term_detail, name="taxonomy_term"),
]
