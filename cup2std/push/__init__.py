"""Delivery of the FHIR output to FHIR servers (``cup2std push``); see docs/fhir.md."""
from cup2std.push.client import FhirClient
from cup2std.push.run import PushReport, push_bundles

__all__ = ["FhirClient", "PushReport", "push_bundles"]
