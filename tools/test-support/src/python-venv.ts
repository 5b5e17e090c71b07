import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * A Python virtual environment that a test tier owns: created once under the user's cache with pinned PyPI
 * packages, and reused by later runs. Where python3 cannot make one, the tier says loudly that it did not run.
 */
export class PythonVenv {
  readonly dir: string;
  readonly python: string;
  /** python3 with venv and pip is here (or the environment was made already). */
  readonly available: boolean;

  /** `name` names the cached folder: change it with the pins. `probe`: Python that runs once the packages are in. */
  constructor(
    name: string,
    private readonly requirements: readonly string[],
    private readonly probe: string,
  ) {
    this.dir = path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'batchyard', name);
    this.python = path.join(this.dir, 'bin', 'python');
    this.available = existsSync(this.python) || spawnSync('python3', ['-c', 'import venv, ensurepip']).status === 0;
  }

  /** A console script the packages installed (`st`, say). */
  bin(name: string): string {
    return path.join(this.dir, 'bin', name);
  }

  /** Creates the environment with its packages, unless it has them already. */
  ensure(env: NodeJS.ProcessEnv = process.env): void {
    if (existsSync(this.python) && spawnSync(this.python, ['-c', this.probe], { env }).status === 0) return;
    const steps: [string, string[]][] = [
      ['python3', ['-m', 'venv', this.dir]],
      [this.python, ['-m', 'pip', 'install', '--quiet', ...this.requirements]],
    ];
    for (const [cmd, args] of steps) {
      const run = spawnSync(cmd, args, { encoding: 'utf8', timeout: 600_000, env });
      if (run.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${run.stdout}\n${run.stderr}`);
    }
  }
}

/**
 * Runs a program without blocking the event loop, so a Batchyard started in this process keeps answering it;
 * resolves with its exit code and everything it printed.
 */
export function runToEnd(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.on('error', reject);
    child.on('close', (code: number | null) => resolve({ code, output }));
  });
}
