// ESLint over the TypeScript tree (`npm test` runs it before jest): the recommended rules of ESLint and typescript-eslint
// (syntax only, no type information: tsc checks types and it keeps lint fast) and Nx's module boundaries from the
// project.json tags.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/** Who may import whom, by project tag: libraries only libraries; apps libraries only; the launcher apps; test support anything. */
const constraints = [
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:launcher', onlyDependOnLibsWithTags: ['type:app', 'type:lib'] },
  { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['*'] },
];
const boundaries = (depConstraints, allow = []) => ['error', { enforceBuildableLibDependency: false, allow, depConstraints }];

export default tseslint.config(
  // The web front end (its own toolchain), built output, dependencies, data.
  { ignores: ['**/node_modules/**', 'dist/**', 'data/**', 'coverage/**', 'apps/console/**', 'apps/gateway/console/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': boundaries(constraints),
      // Test doubles and JSON bodies from clients are `any` by nature; tsc's strict mode covers the rest.
      '@typescript-eslint/no-explicit-any': 'off',
      // A leading underscore marks an argument kept for its position; destructuring drops fields with a rest sibling.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Nest's DI needs marker classes and declaration merging of its interfaces.
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    // Specs and e2e tests may also use the test support (it starts apps), whatever their project's tag.
    files: ['**/*.spec.ts', '**/*.test.ts', '**/test/**/*.ts', '**/testing/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(constraints.map((c) => ({ ...c, onlyDependOnLibsWithTags: [...new Set([...c.onlyDependOnLibsWithTags, 'type:test'])] }))),
    },
  },
  {
    // Apps have no package name, so the two projects allowed to import them do it by relative path, which Nx's rule
    // refuses whatever the tags say: the launcher (apps and libs) and the test support (anything).
    files: ['apps/launcher/src/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(constraints, ['../../**', '../../../libs/**']) },
  },
  {
    files: ['tools/test-support/src/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(constraints, ['../../../apps/**', '../../../examples/**']) },
  },
);
