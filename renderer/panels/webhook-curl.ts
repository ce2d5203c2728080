/**
 * A ready `curl` command for a webhook trigger, signed as its verification expects (README
 * "Webhooks"). The secret is never in it: the command reads `WEBHOOK_SECRET` from the shell and
 * stops with a message naming the credential slot when it is unset.
 */

/** A trigger's verification as its params hold it (the renderer reads params as plain JSON). */
export interface CurlVerification {
  type: string;
  header?: string;
  encoding?: string;
  prefix?: string;
  idHeader?: string;
}

/** What the command needs: the hook's full URL, its method and verification, and the slot to name. */
export interface CurlTarget {
  url: string;
  method: string;
  verification: CurlVerification;
  slot: string | undefined;
}

const SAMPLE_BODY = '{"user":"alice@example.com","ip":"203.0.113.7"}';

/** Quotes a value for a POSIX shell. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The line that takes the secret from the environment, failing with where to find it. */
function secretLine(slot: string | undefined, what: string): string {
  const where = slot === undefined ? 'the webhook credential bound to this trigger' : `the webhook credential bound to slot ${slot}`;
  return `SECRET="\${WEBHOOK_SECRET:?export WEBHOOK_SECRET=${what} of ${where}}"`;
}

/** HMAC-SHA256 of `$MSG` keyed with the raw `$SECRET` text, as lowercase hex. */
const HEX_MAC = `openssl dgst -sha256 -hmac "$SECRET" -r | cut -d' ' -f1`;

/**
 * The shell lines (bash) that send a sample JSON event to the hook, signed for its verification:
 * Standard Webhooks, GitHub, Slack, HMAC-SHA256 (header, hex or base64, prefix), bearer, or none.
 */
export function webhookCurl({ url, method, verification, slot }: CurlTarget): string {
  const send = method === 'GET' ? `curl -sS -G ${shellQuote(url)}` : `curl -sS${method === 'POST' ? '' : ` -X ${method}`} ${shellQuote(url)} -H 'content-type: application/json'`;
  const data = method === 'GET' ? '' : ' \\\n  --data-binary "$BODY"';
  const lines: string[] = [`BODY=${shellQuote(method === 'GET' ? '' : SAMPLE_BODY)}`];
  switch (verification.type) {
    case 'standard-webhooks':
      lines.push(
        secretLine(slot, 'the secret (whsec_…)'),
        'ID="msg_$(date +%s%N)"',
        'TS="$(date +%s)"',
        `KEY="$(printf '%s' "\${SECRET#whsec_}" | base64 -d | od -An -tx1 | tr -d ' \\n')"`,
        `SIG="$(printf '%s' "$ID.$TS.$BODY" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$KEY" -binary | base64)"`,
        `${send} \\\n  -H "webhook-id: $ID" -H "webhook-timestamp: $TS" -H "webhook-signature: v1,$SIG"${data}`,
      );
      break;
    case 'github':
      lines.push(
        secretLine(slot, 'the secret'),
        `SIG="$(printf '%s' "$BODY" | ${HEX_MAC})"`,
        `${send} \\\n  -H "X-GitHub-Delivery: $(date +%s%N)" -H "X-Hub-Signature-256: sha256=$SIG"${data}`,
      );
      break;
    case 'slack':
      lines.push(
        secretLine(slot, 'the signing secret'),
        'TS="$(date +%s)"',
        `SIG="$(printf '%s' "v0:$TS:$BODY" | ${HEX_MAC})"`,
        `${send} \\\n  -H "X-Slack-Request-Timestamp: $TS" -H "X-Slack-Signature: v0=$SIG"${data}`,
      );
      break;
    case 'hmac-sha256': {
      const mac = verification.encoding === 'base64' ? `openssl dgst -sha256 -hmac "$SECRET" -binary | base64` : HEX_MAC;
      const id = verification.idHeader === undefined ? '' : ` -H ${shellQuote(`${verification.idHeader}: `)}"$(date +%s%N)"`;
      lines.push(
        secretLine(slot, 'the secret'),
        `SIG="$(printf '%s' "$BODY" | ${mac})"`,
        `${send} \\\n  -H ${shellQuote(`${verification.header ?? 'X-Signature'}: ${verification.prefix ?? ''}`)}"$SIG"${id}${data}`,
      );
      break;
    }
    case 'bearer': {
      const auth = verification.header === undefined ? `-H "Authorization: Bearer $SECRET"` : `-H ${shellQuote(`${verification.header}: `)}"$SECRET"`;
      const id = verification.idHeader === undefined ? '' : ` -H ${shellQuote(`${verification.idHeader}: `)}"$(date +%s%N)"`;
      lines.push(secretLine(slot, 'the token'), `${send} \\\n  ${auth}${id}${data}`);
      break;
    }
    default:
      lines.push(`${send}${data}`);
  }
  return lines.join('\n');
}
