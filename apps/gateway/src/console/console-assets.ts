import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express from 'express';

/**
 * Where `npm run build` puts the console and the /docs page (apps/console, built by Vite into dist/console): four
 * folders up from this file, from dist (dist/apps/gateway/src/console) as from the sources. Undefined when not built.
 */
export function consoleDir(): string | undefined {
  return [resolve(__dirname, '../../../../console'), resolve(__dirname, '../../../../dist/console')].find((dir) => existsSync(join(dir, 'index.html')));
}

/**
 * `/console`: the built files as they are, public (the page asks for a key and sends it on each API call). Hashed
 * assets are cached for good, the pages never, so a new build shows at the next load.
 */
export function consoleAssets(dir: string | undefined): express.RequestHandler {
  if (!dir) {
    return (_req, res) => {
      res.status(404).type('text/plain').send('The console is not built: run `npm run build`, which builds apps/console into dist/console.');
    };
  }
  return express.static(dir, {
    index: 'index.html',
    setHeaders: (res, path) => res.setHeader('cache-control', path.includes(`${join(dir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
}
