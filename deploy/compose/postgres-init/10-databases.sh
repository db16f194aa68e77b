#!/bin/sh
# Runs once, when the postgres container starts on an empty data volume
# (the image runs executable *.sh files in /docker-entrypoint-initdb.d, and
# sources them if a checkout lost the executable bit; this works either way).
#
# One role per consumer, each owning only its own databases:
#   temporal → temporal, temporal_visibility   (Temporal's persistence and visibility)
#   duban    → duban                            (the ledger)
# The passwords come from .env through the postgres service's environment.
# Owning a database is enough for both: on PostgreSQL 15+ the public schema
# belongs to the database owner.
#
# The ledger's database orders text by code point (C.UTF-8) whatever the
# image's default locale: the image gives new databases en_US.utf8, under
# which every comparison of a slip's id in an index goes through the
# language's rules — reading a thousand slips' parts took two to three
# times as long (deploy/README.md, "The ledger's database").
#
# No `set -eu`: when sourced, that would leak into the image's own shell;
# ON_ERROR_STOP makes any failed statement fail the container instead.

: "${TEMPORAL_DB_PASSWORD:?TEMPORAL_DB_PASSWORD is not set}"
: "${LEDGER_DB_PASSWORD:?LEDGER_DB_PASSWORD is not set}"

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
	-v temporal_pw="$TEMPORAL_DB_PASSWORD" -v ledger_pw="$LEDGER_DB_PASSWORD" <<'SQL'
CREATE ROLE temporal LOGIN PASSWORD :'temporal_pw';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;

CREATE ROLE duban LOGIN PASSWORD :'ledger_pw';
CREATE DATABASE duban OWNER duban TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8';
SQL
