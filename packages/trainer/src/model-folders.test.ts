import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LABELS, useCpuBackend, VOCAB } from './__tests__/fixtures';
import { BEST_MODEL_DIR, LAST_MODEL_DIR, recoverLastModel, saveBestModel, savedModelDirs, saveLastModel } from './model-folders';
import { createTinyClassifier } from './testing/tiny-classifier';

// The module object every file's `import … from 'node:fs'` reads at call time, so spies on it see their calls.
const fs = jest.requireActual<typeof import('node:fs')>('node:fs');

beforeAll(useCpuBackend);
afterEach(() => jest.restoreAllMocks());

describe('saveBestModel', () => {
  it('flushes every file and the folder to disk before renaming it into place, then flushes the run directory', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'trainer-best-'));
    const classifier = createTinyClassifier({ labels: LABELS, vocabSize: VOCAB, dim: 8, seed: 3 });
    const events: string[] = [];
    const paths = new Map<number, string>();
    const openSync = fs.openSync;
    jest.spyOn(fs, 'openSync').mockImplementation(((path: string, ...rest: never[]) => {
      const fd = (openSync as (...a: unknown[]) => number)(path, ...rest);
      paths.set(fd, String(path));
      return fd;
    }) as typeof fs.openSync);
    const fsyncSync = fs.fsyncSync;
    jest.spyOn(fs, 'fsyncSync').mockImplementation((fd: number) => {
      events.push(`fsync ${paths.get(fd)}`);
      fsyncSync(fd);
    });
    const renameSync = fs.renameSync;
    jest.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      events.push(`rename ${String(from)} -> ${String(to)}`);
      renameSync(from, to);
    });
    try {
      await saveBestModel(classifier, runDir);
      await saveBestModel(classifier, runDir); // the second replaces a model already there
    } finally {
      classifier.dispose();
    }
    const temporary = join(runDir, `.${BEST_MODEL_DIR}.tmp`);
    const target = join(runDir, BEST_MODEL_DIR);
    const files = readdirSync(target);
    expect(files.length).toBeGreaterThan(0);
    const moveIn = events.lastIndexOf(`rename ${temporary} -> ${target}`);
    expect(moveIn).toBeGreaterThan(0);
    const beforeMoveIn = events.slice(events.lastIndexOf(`rename ${temporary} -> ${target}`, moveIn - 1) + 1, moveIn);
    for (const file of files) expect(beforeMoveIn).toContain(`fsync ${join(temporary, file)}`);
    expect(beforeMoveIn).toContain(`fsync ${temporary}`);
    expect(events.slice(moveIn + 1)).toContain(`fsync ${runDir}`);
  }, 30_000);
});

describe('recoverLastModel', () => {
  it('puts back the previous last model when a swap stopped between its renames, and drops the half-written one', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'trainer-last-'));
    const classifier = createTinyClassifier({ labels: LABELS, vocabSize: VOCAB, dim: 8, seed: 3 });
    try {
      await saveLastModel(classifier, runDir);
    } finally {
      classifier.dispose();
    }
    const target = join(runDir, LAST_MODEL_DIR);
    const saved = readFileSync(join(target, 'model.safetensors'));
    // The state a process killed after moving the old model aside leaves: no last-model/, the old one beside it.
    renameSync(target, join(runDir, `.${LAST_MODEL_DIR}.old`));
    mkdirSync(join(runDir, `.${LAST_MODEL_DIR}.tmp`));
    writeFileSync(join(runDir, `.${LAST_MODEL_DIR}.tmp`, 'model.safetensors'), 'torn');
    recoverLastModel(runDir);
    expect(readFileSync(join(target, 'model.safetensors')).equals(saved)).toBe(true);
    expect(existsSync(join(runDir, `.${LAST_MODEL_DIR}.tmp`))).toBe(false);
    expect(readdirSync(runDir)).toEqual([LAST_MODEL_DIR]);
  }, 30_000);
});

describe('savedModelDirs', () => {
  it('lists the kept model first, then the epochs in number order, without temporary copies', () => {
    const runDir = mkdtempSync(join(tmpdir(), 'saved-dirs-'));
    for (const name of ['epoch-10', 'epoch-2', 'epoch-1', '.epoch-3.tmp', '.epoch-4.old', 'last-model']) mkdirSync(join(runDir, name));
    const at = (name: string) => join(runDir, name);
    expect(savedModelDirs({ runDir, modelDir: at('last-model') })).toEqual(['last-model', 'epoch-1', 'epoch-2', 'epoch-10'].map(at));
    expect(savedModelDirs({ runDir, modelDir: null })).toEqual([]);
  });
});
