// Lint: typescript-eslint's recommended rules plus the module boundaries of the workspace (Nx project tags):
//  - plugins (losses, trainer schedules, thresholds) depend on interfaces, never on apps;
//  - serving never imports TensorFlow.js (it runs ONNX Runtime only);
//  - only apps compose a tsyringe container.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', 'runs/**', '.device/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            { sourceTag: 'type:interface', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:interface'] },
            { sourceTag: 'type:plugin', onlyDependOnLibsWithTags: ['type:interface'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:interface', 'type:runtime', 'type:plugin', 'type:lib'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:interface', 'type:runtime', 'type:plugin', 'type:lib'] },
            { sourceTag: 'type:tools', onlyDependOnLibsWithTags: ['type:interface', 'type:runtime', 'type:plugin', 'type:lib'] },
            {
              sourceTag: 'scope:serving',
              onlyDependOnLibsWithTags: ['scope:common', 'scope:thresholds', 'scope:shared'],
              bannedExternalImports: ['@tensorflow/*'],
            },
          ],
        },
      ],
    },
  },
  {
    // Libraries never touch the global container: only apps own one (apps/*/src/container.ts).
    files: ['packages/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'tsyringe', importNames: ['container'], message: 'only apps own a tsyringe container' }] },
      ],
    },
  },
  {
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
