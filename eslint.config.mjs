// Lint: typescript-eslint's recommended rules plus the module boundaries of the workspace (Nx project tags, each
// project's `tags` in its project.json):
//  - `layer:*`: the data flows one way, format -> runtime -> model -> train / thresholds / export -> serving -> pipelines -> apps
//    (LAYERS below says what each layer may import); every project carries exactly one layer tag, and a project
//    without one cannot be imported at all;
//  - `weight:light`: packages that stay cheap to install and load import no TensorFlow.js, ONNX Runtime, WebGPU or
//    database driver, and depend on light packages only;
//  - plugins (losses, trainer schedules, thresholds) depend on interfaces, never on apps;
//  - serving never imports TensorFlow.js (it runs ONNX Runtime only);
//  - only apps compose a tsyringe container.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// What each layer may import (its own layer included). Not a ladder: serving sits after training in the flow but
// must never import it (nor the TensorFlow.js model), and thresholds read only the saved-model format.
const LAYERS = {
  'layer:format': [],
  'layer:runtime': ['layer:format'],
  'layer:model': ['layer:format', 'layer:runtime'],
  'layer:train': ['layer:format', 'layer:runtime', 'layer:model'],
  'layer:thresholds': ['layer:format'],
  'layer:export': ['layer:format', 'layer:runtime', 'layer:model'],
  'layer:serving': ['layer:format', 'layer:runtime', 'layer:thresholds'],
  // The benchmarks measure every layer above and are run by the CLI (never published, never imported by a library).
  'layer:bench': ['layer:format', 'layer:runtime', 'layer:model', 'layer:train', 'layer:thresholds', 'layer:export', 'layer:serving'],
  // Pipelines compose the packages above into end-to-end jobs (predict a split, the ablation); nothing below imports them.
  'layer:pipeline': ['layer:format', 'layer:runtime', 'layer:model', 'layer:train', 'layer:thresholds', 'layer:export', 'layer:serving'],
  'layer:app': ['layer:format', 'layer:runtime', 'layer:model', 'layer:train', 'layer:thresholds', 'layer:export', 'layer:serving', 'layer:bench', 'layer:pipeline'],
  'layer:tools': ['layer:*'],
};

// Heavy to install or to load: native addons, model runtimes and database drivers.
const HEAVY_IMPORTS = ['@tensorflow/*', 'onnxruntime-*', '@huggingface/transformers', 'webgpu', 'better-sqlite3', 'pg', 'ioredis'];

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
            // Only projects that carry a layer tag can be imported: a new project must be placed in the flow.
            { sourceTag: '*', onlyDependOnLibsWithTags: ['layer:*'] },
            ...Object.entries(LAYERS).map(([layer, below]) => ({ sourceTag: layer, onlyDependOnLibsWithTags: [layer, ...below] })),
            { sourceTag: 'weight:light', onlyDependOnLibsWithTags: ['weight:light'], bannedExternalImports: HEAVY_IMPORTS },
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
