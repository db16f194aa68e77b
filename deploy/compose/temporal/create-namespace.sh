#!/bin/sh
# Creates duban's Temporal namespace if it does not exist, then exits.
# Run by the one-shot temporal-namespace service (admin-tools image); the
# `temporal` CLI finds the server through TEMPORAL_ADDRESS.
set -eu

ns="${DUBAN_TEMPORAL_NAMESPACE:-duban}"
retention="${NAMESPACE_RETENTION:-30d}"

# The port answering (the temporal service's healthcheck) comes a little
# before the frontend serves requests.
tries=0
until temporal operator cluster health >/dev/null 2>&1; do
	tries=$((tries + 1))
	if [ "$tries" -ge 60 ]; then
		echo "temporal at $TEMPORAL_ADDRESS is not healthy after 2 minutes" >&2
		exit 1
	fi
	sleep 2
done

if temporal operator namespace describe --namespace "$ns" >/dev/null 2>&1; then
	echo "namespace $ns already exists"
else
	temporal operator namespace create --namespace "$ns" --retention "$retention"
	echo "namespace $ns created (retention $retention)"
fi
