// What the benches share: timing a load of concurrent clients, and printing its figures and RESULT lines.

export interface Figure {
  latencies: number[];
  seconds: number;
}

export const elapsedMs = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

function at(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summary({ latencies, seconds }: Figure) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { perSecond: latencies.length / seconds, p50: at(sorted, 50), p99: at(sorted, 99), count: latencies.length };
}

/** Prints a figure on one line and answers its summary. */
export function line(name: string, figure: Figure, unit: string): ReturnType<typeof summary> {
  const s = summary(figure);
  console.log(
    `  ${name}: ${Math.round(s.perSecond).toLocaleString('en')} ${unit}/s, p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms (${s.count.toLocaleString('en')} in ${figure.seconds.toFixed(1)} s)`,
  );
  return s;
}

/** The line every figure ends with: `RESULT <name> <value> <unit> target <target> <pass|fail>`. */
export function result(name: string, value: number, unit: string, target: string, pass: boolean): void {
  console.log(`RESULT ${name} ${value.toFixed(2)} ${unit} target ${target} ${pass ? 'pass' : 'fail'}`);
}

/** `clients` loops, each running `one` back to back until `seconds` passed; the latency of every call. */
export async function load(clients: number, seconds: number, one: (client: number) => Promise<void>): Promise<Figure> {
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (Date.now() < deadline) {
        const t = process.hrtime.bigint();
        await one(client);
        latencies.push(elapsedMs(t));
      }
    }),
  );
  return { latencies, seconds: elapsedMs(started) / 1000 };
}
