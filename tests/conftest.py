"""Shared test set-up: every database test runs on a real PostgreSQL (embedded or DATABASE_URL)."""
