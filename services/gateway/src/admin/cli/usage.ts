/** `switchyard help` text. */
export const USAGE = `Usage: switchyard admin <resource> <verb> [args] [flags]

Resources and verbs:
  accounts  list [--platform P] [--group-id N]
            get <id> | delete <id>
            create --name N --platform P --type apikey|oauth (--api-key K | --credentials JSON|@file) [fields]
            update <id> [fields] [--api-key K | --credentials JSON|@file]
            clear-rate-limit <id>
            schedulable <id> true|false
            set-groups <id> <id,id,...>
  groups    list [--platform P] | get <id> | delete <id>
            create --name N --platform P [--description D] [--status active|disabled]
            update <id> [same fields]
  api-keys  list [--group-id N] [--user-id N] | get <id> | delete <id>
            create --name N [--group-id N] [--user-id N] [--expires-at ISO] [--quota-usd X]
                   [--quota-tokens N] [--concurrency-limit N] [--rpm-limit N] [--status S]
            update <id> [same fields; "null" clears one]

Account fields: --name --platform --type --base-url --concurrency --priority --status
  --schedulable true|false --model-mapping JSON --mixed-scheduling true|false
  --expires-at ISO --group-ids 1,2
Any create/update also takes --json '{...}' as the base body.

Connection (default: gatewayUrl and adminToken from .local/demo.json):
  --url URL          gateway base URL, e.g. http://127.0.0.1:8080
  --token T | --token-file F
  --demo FILE        another demo.json

The new API key is printed once, by "api-keys create"; it cannot be shown again.
`;
