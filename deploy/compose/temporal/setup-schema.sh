#!/bin/sh
# Creates Temporal's schema in the two databases the postgres init script made,
# or upgrades it. Run by the one-shot temporal-schema service (admin-tools
# image) on every `docker compose up`:
#   - setup-schema -v 0.0 only creates the version table and is skipped when a
#     schema already exists;
#   - update-schema applies only the versions newer than the one recorded.
# So a second run is a no-op, and after raising TEMPORAL_VERSION it upgrades
# the schema before the new server starts.
#
# Connection settings come from the environment (SQL_PLUGIN, SQL_HOST,
# SQL_PORT, SQL_USER, SQL_PASSWORD); the schema files are the ones embedded in
# the tool (--schema-name), the same files and steps `duban temporal` runs in
# the kill test (internal/devserver SetupPostgresSchema, same module version).
set -eu

temporal-sql-tool --db temporal setup-schema -v 0.0
temporal-sql-tool --db temporal update-schema --schema-name postgresql/v12/temporal

temporal-sql-tool --db temporal_visibility setup-schema -v 0.0
temporal-sql-tool --db temporal_visibility update-schema --schema-name postgresql/v12/visibility

echo "temporal schema up to date"
