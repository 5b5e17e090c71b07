import { http } from './http';

/** `GET <baseUrl>/metrics`: the Prometheus text, after checking it was served as such. */
export async function scrape(baseUrl: string): Promise<string> {
  const res = await http(`${baseUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text;
}

/** The value of one series, written as exposed (`name{label="…",…}`), or undefined when absent. */
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
