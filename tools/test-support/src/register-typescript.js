// Lets a child process of a test run the TypeScript sources under plain Node: swc (the compiler jest
// uses) compiles them through Node's module hooks, and @batchyard/* resolves to the libs' sources,
// so multi-process tests need no prior `npm run build`. Load it with require() first thing.
const { existsSync, readFileSync } = require('node:fs');
const { registerHooks } = require('node:module');
const { dirname, join, resolve } = require('node:path');
const { fileURLToPath, pathToFileURL } = require('node:url');
const swc = require('@swc/core');

const root = resolve(__dirname, '../../..');
// The test harness lives with the tools (it starts apps, which no lib may import); every other @batchyard/* is a lib.
const sourceOf = (name) => join(root, name === 'test-support' ? 'tools' : 'libs', name, 'src', 'index.ts');
const { jsc, module: moduleOptions } = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
// Resolution is the resolve hook's job, not swc's path rewriting.
const { paths: _paths, baseUrl: _baseUrl, ...compilerOptions } = jsc;

registerHooks({
  resolve(specifier, context, nextResolve) {
    const lib = /^@batchyard\/([\w-]+)$/.exec(specifier);
    if (lib) return { url: pathToFileURL(sourceOf(lib[1])).href, shortCircuit: true };
    if (specifier.startsWith('.') && context.parentURL?.endsWith('.ts')) {
      const base = resolve(dirname(fileURLToPath(context.parentURL)), specifier);
      const file = [`${base}.ts`, join(base, 'index.ts')].find(existsSync);
      if (file) return { url: pathToFileURL(file).href, shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
  load(url, context, nextLoad) {
    if (!url.endsWith('.ts')) return nextLoad(url, context);
    const filename = fileURLToPath(url);
    const { code } = swc.transformSync(readFileSync(filename, 'utf8'), {
      filename,
      swcrc: false,
      jsc: compilerOptions,
      module: moduleOptions,
    });
    return { format: 'commonjs', source: code, shortCircuit: true };
  },
});
