"""Django's PostgreSQL backend, which starts the embedded PostgreSQL when a connection needs it.

Used only for the embedded server (no DATABASE_URL): ``DATABASES["default"]["EMBEDDED_DATA_DIR"]``
names its data folder. Each new connection first makes sure the server runs
(``symptomcheck.database.running_embedded_server``): the first one of a process starts or joins
it, a later one starts it again if it died. So reading the settings never touches the database,
and a killed server comes back with the next request instead of a 503 for ever. A server that
cannot be started is a database error like any other (the 503 page), and the next connection
tries again. The project's database is created by the first connection that misses it.
"""

from __future__ import annotations

from pathlib import Path

from django.db.backends.postgresql import base as postgresql

from symptomcheck.database import (
    EMBEDDED_DATABASE_NAME,
    EmbeddedServerUnavailable,
    create_database,
    running_embedded_server,
)

Database = postgresql.Database


class DatabaseWrapper(postgresql.DatabaseWrapper):
    def embedded_data_dir(self) -> Path | None:
        data_dir = self.settings_dict.get("EMBEDDED_DATA_DIR")
        return Path(data_dir) if data_dir else None

    def get_connection_params(self) -> dict:
        params = super().get_connection_params()
        data_dir = self.embedded_data_dir()
        if data_dir is not None:
            try:
                params["host"] = str(running_embedded_server(data_dir))
            except EmbeddedServerUnavailable as error:
                # Wrapped by Django as its OperationalError: the calm 503 page, not a 500.
                raise Database.OperationalError(str(error)) from error
        return params

    def get_new_connection(self, conn_params: dict):
        try:
            return super().get_new_connection(conn_params)
        except Database.OperationalError as error:
            name = conn_params.get("dbname")
            missing = f'database "{name}" does not exist' in str(error)
            if self.embedded_data_dir() is None or name != EMBEDDED_DATABASE_NAME or not missing:
                raise
        # A new embedded server (or one whose database was dropped): make it, then connect.
        maintenance = {**conn_params, "dbname": "postgres"}
        create_database(lambda: super(DatabaseWrapper, self).get_new_connection(maintenance), name)
        return super().get_new_connection(conn_params)
