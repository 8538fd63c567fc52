#!/bin/sh
# azd postdeploy hook: point the SignalR upstream at the presence app's SignalR webhook.
# The Functions host creates the `signalr_extension` system key when the presence app first starts, so this
# runs after deploy. The key is kept in the azd environment (SIGNALR_UPSTREAM_KEY, a local .azure/<env>/.env
# file) so later `azd provision` runs pass it to infra/modules/signalr.bicep instead of clearing the upstream.
# The key is never printed.
set -eu

: "${AZURE_RESOURCE_GROUP:?run through azd (needs the provision outputs)}"
: "${PRESENCE_APP_NAME:?}" "${PRESENCE_HOST_NAME:?}" "${SIGNALR_NAME:?}" "${SIGNALR_HUB:?}"

key=""
attempt=0
# The host may still be starting right after deploy: poll for the key for up to ~5 minutes.
while [ -z "$key" ] && [ "$attempt" -lt 30 ]; do
  attempt=$((attempt + 1))
  key=$(az functionapp keys list -g "$AZURE_RESOURCE_GROUP" -n "$PRESENCE_APP_NAME" \
        --query "systemKeys.signalr_extension" -o tsv 2>/dev/null || true)
  [ -n "$key" ] || sleep 10
done
if [ -z "$key" ]; then
  echo "postdeploy: presence app has no signalr_extension system key yet; is it deployed and running?" >&2
  echo "postdeploy: re-run ./infra/hooks/postdeploy.sh (with azd env values exported) once it is." >&2
  exit 1
fi

azd env set SIGNALR_UPSTREAM_KEY "$key" >/dev/null
az signalr upstream update -g "$AZURE_RESOURCE_GROUP" -n "$SIGNALR_NAME" \
  --template url-template="https://${PRESENCE_HOST_NAME}/runtime/webhooks/signalr?code=${key}" \
             hub-pattern="$SIGNALR_HUB" event-pattern="*" category-pattern="*" >/dev/null
echo "postdeploy: SignalR upstream -> https://${PRESENCE_HOST_NAME}/runtime/webhooks/signalr (hub ${SIGNALR_HUB})"
