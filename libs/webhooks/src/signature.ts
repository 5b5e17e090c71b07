import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'Batchyard-Signature';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`: Stripe's scheme, so receivers know how to check it. */
export function signatureHeader(secret: string, body: string, atSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${atSeconds}.${body}`).digest('hex');
  return `t=${atSeconds},v1=${v1}`;
}
