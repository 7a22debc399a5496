"""The open API (/api/v1/) and the FHIR R4 resources (/fhir/) for clinics and other apps.

Both call the same ``published_knowledge_base()`` and ``assess()`` as the patient pages; this app
only parses requests and shapes responses.
"""
