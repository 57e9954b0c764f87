import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The reason this package exists: the format must stay readable without TensorFlow.js or database drivers, or the
// light packages (export, serving) would copy it again.
describe('@mangaassist/model-format stays light', () => {
  it('depends only on zod, the tokenizers binding and common', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@huggingface/tokenizers', '@mangaassist/common', 'zod']);
    expect(manifest.devDependencies).toBeUndefined();
  });

  it('imports nothing else in its sources', () => {
    const allowed = /^(node:|\.\.?\/|zod$|@huggingface\/tokenizers$|@mangaassist\/common$)/;
    const files = readdirSync(__dirname, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const imports = files.flatMap((f) =>
      [...readFileSync(join(__dirname, f), 'utf8').matchAll(/(?:from|require\()\s*'([^']+)'/g)].map((m) => ({ file: f, module: m[1]! })),
    );
    expect(imports.length).toBeGreaterThan(20);
    expect(imports.filter((i) => !allowed.test(i.module))).toEqual([]);
  });
});
