import { request } from 'node:http';

/** A small JSON client for tests: the raw status, headers and parsed body of one request. */
export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function http<T = any>(url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown; raw?: string } = {}): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined = init.raw;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** GET with a chosen Host header (fetch does not let a caller set it), as a short domain's redirection is asked for. */
export function getWithHost(url: string, host: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode!, location: res.headers.location });
    });
    req.on('error', reject).end();
  });
}

const TASK_ENDED = ['EXECUTED', 'EXECUTED_WITH_FAILURES', 'FAILED'];

/** Polls an EVRYTHNG task (its Location, under `baseUrl`) until `done` holds for it; any answer but 200 fails. */
async function pollTask(
  baseUrl: string,
  location: string,
  headers: Record<string, string>,
  done: (task: any) => boolean,
  intervalMs: number,
  attempts: number,
  what: string,
): Promise<any> {
  for (let i = 0; i < attempts; i++) {
    const res = await http(`${baseUrl}${location}`, { headers });
    if (res.status !== 200) throw new Error(`task ${location}: ${res.status} ${res.text}`);
    if (done(res.body)) return res.body;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`task ${location} did not ${what}`);
}

/** Polls a task every 100 ms until it ends. */
export function untilTaskEnded(baseUrl: string, location: string, headers: Record<string, string>, attempts = 1_200): Promise<any> {
  return pollTask(baseUrl, location, headers, (task) => TASK_ENDED.includes(task.status), 100, attempts, 'end');
}

/** Polls a task every 5 ms until its worker has taken it up (it left PENDING or shows progress): the moment to kill a worker mid-task. */
export function untilTaskStarted(baseUrl: string, location: string, headers: Record<string, string>, attempts = 12_000): Promise<any> {
  return pollTask(baseUrl, location, headers, (task) => task.progress.totalAmount > 0 || task.status !== 'PENDING', 5, attempts, 'start');
}
