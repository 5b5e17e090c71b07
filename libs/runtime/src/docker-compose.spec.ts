import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * docker-compose.yml, read as text (no Docker engine here): it ships no secret and publishes nothing that should not
 * be public. Compose's interpolation is `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR:+alt}`.
 */
const compose = readFileSync(path.join(__dirname, '../../../docker-compose.yml'), 'utf8');
const lines = compose.split('\n').filter((line) => !line.trimStart().startsWith('#'));

/** The value each line of the file gives `name` (`NAME: value` or `- NAME=value`). */
function assignments(name: string): string[] {
  const assignment = new RegExp(`^\\s*(?:-\\s*)?["']?${name}["']?\\s*[:=]\\s*(.*?)\\s*$`);
  return lines.flatMap((line) => assignment.exec(line)?.[1] ?? []);
}

/** The default each `${name…}` interpolation falls back to when the variable is unset ('' for none). */
function interpolationDefaults(text: string, name: string): string[] {
  return [...text.matchAll(new RegExp(`\\$\\{${name}(?:(:?[-?+])([^}]*))?\\}`, 'g'))].map(([, operator, word]) =>
    operator === '-' || operator === ':-' ? word : '',
  );
}

/** The `ports:` entries of every service, as written. */
function publishedPorts(): string[] {
  const ports: string[] = [];
  let inPorts = false;
  for (const line of lines) {
    if (/^\s*ports:\s*$/.test(line)) inPorts = true;
    else if (inPorts && /^\s*-\s*/.test(line)) ports.push(line.replace(/^\s*-\s*/, '').replace(/["']/g, '').trim());
    else inPorts = false;
  }
  return ports;
}

describe('docker-compose.yml', () => {
  it('ships no bootstrap key: the gateway takes the one you set, or generates one and prints it once', () => {
    const given = assignments('BATCHYARD_BOOTSTRAP_KEY');
    expect(given.length).toBeGreaterThan(0);
    // Every value is the variable itself, never a literal key...
    for (const value of given) expect(value).toMatch(/^["']?\$\{BATCHYARD_BOOTSTRAP_KEY[^}]*\}["']?$/);
    // ...and falls back to nothing, which the gateway reads as unset (loadConfig).
    expect(interpolationDefaults(compose, 'BATCHYARD_BOOTSTRAP_KEY')).toEqual(given.map(() => ''));
  });

  it('tells a default key apart from none', () => {
    const shipped = 'BATCHYARD_BOOTSTRAP_KEY: ${BATCHYARD_BOOTSTRAP_KEY:-local-only-bootstrap-key-change-me}';
    expect(interpolationDefaults(shipped, 'BATCHYARD_BOOTSTRAP_KEY')).toEqual(['local-only-bootstrap-key-change-me']);
    expect(interpolationDefaults('${BATCHYARD_BOOTSTRAP_KEY-x} ${BATCHYARD_BOOTSTRAP_KEY:?set it} ${BATCHYARD_BOOTSTRAP_KEY}', 'BATCHYARD_BOOTSTRAP_KEY')).toEqual(['x', '', '']);
  });

  it('publishes the metrics port of every app on 127.0.0.1 only, and the API on its own port', () => {
    const ports = publishedPorts();
    const metrics = ports.filter((p) => /:9100$/.test(p));
    // The four apps: three through the shared anchor, the gateway's own list.
    expect(metrics.length).toBeGreaterThanOrEqual(2);
    for (const port of metrics) expect(port).toMatch(/^127\.0\.0\.1:/);
    expect(ports).toContain('${GATEWAY_HOST_PORT:-3000}:3000');
    expect(compose).toMatch(/METRICS_PORT: 9100/);
  });
});
