// The console's only way to the gateway: same-origin fetch with the API key, which lives in sessionStorage (this
// browser tab's session) and nowhere else.
const KEY = 'batchyard.apiKey';

export const storedKey = (): string | null => sessionStorage.getItem(KEY);
export const saveKey = (key: string): void => sessionStorage.setItem(KEY, key);
export const forgetKey = (): void => sessionStorage.removeItem(KEY);

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * The message of an error in any dialect's shape (EVRYTHNG `errors: [string]`, PackageX `errors: [{field, message}]`,
 * Batchyard's own RFC 9457 problem `{title, detail, errors: [{field, detail}]}`).
 */
function messageOf(status: number, body: any): string {
  if (typeof body?.detail === 'string') return body.detail;
  const first = Array.isArray(body?.errors) ? body.errors[0] : undefined;
  const detail = typeof first === 'string' ? first : first?.message ? `${first.field ? `${first.field}: ` : ''}${first.message}` : undefined;
  return detail ?? body?.message ?? `The gateway answered ${status}`;
}

export async function api<T = any>(path: string, init: { method?: string; body?: unknown; key?: string } = {}): Promise<Answer<T>> {
  const key = init.key ?? storedKey() ?? '';
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers: { authorization: key, ...(init.body !== undefined && { 'content-type': 'application/json' }) },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!res.ok) throw new ApiFailure(res.status, messageOf(res.status, body));
  return { status: res.status, body, headers: res.headers };
}

/** Who the key is: its tenant and role (Batchyard's `/batchyard/v1/session`). */
export interface Session {
  tenant: string;
  keyId: string;
  name: string;
  role: string;
}

export const session = (key?: string) => api<Session>('/batchyard/v1/session', { key }).then((a) => a.body);

/** `nextPageToken` of the EVRYTHNG `Link` header, if there is a next page. */
export function nextPageToken(headers: Headers): string | undefined {
  const link = headers.get('link');
  if (!link) return undefined;
  const target = /<([^>]+)>/.exec(link)?.[1];
  if (!target) return undefined;
  // The SDK decodes the target once before requesting it, so the gateway encodes it once more.
  const url = new URL(decodeURIComponent(target), location.origin);
  return url.searchParams.get('nextPageToken') ?? undefined;
}

/**
 * Server-sent events read with fetch, so the key goes in the Authorization header (EventSource cannot send one,
 * and a key in a URL ends up in logs). Resolves when the stream ends or `signal` aborts.
 */
export async function streamEvents(path: string, onEvent: (event: string, data: any) => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(path, { headers: { authorization: storedKey() ?? '', accept: 'text/event-stream' }, signal });
  if (!res.ok || !res.body) {
    const text = await res.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    throw new ApiFailure(res.status, messageOf(res.status, body));
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
        }
        if (data.length) onEvent(event, JSON.parse(data.join('\n')));
      }
    }
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  }
}

/** Saves a response's bytes as a file the browser downloads, fetched with the key (or from a signed URL). */
export async function download(path: string, filename: string, withKey = true): Promise<void> {
  const res = await fetch(path, { headers: withKey ? { authorization: storedKey() ?? '' } : {} });
  if (!res.ok) throw new ApiFailure(res.status, `The download answered ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file as a base64 data URL, as PackageX bulk jobs take their payload. */
export const dataUrl = (file: File): Promise<string> =>
  new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });

export const when = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toLocaleString());
