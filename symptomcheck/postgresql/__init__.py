"""Django's PostgreSQL backend, starting the embedded server on demand (see ``base``)."""
