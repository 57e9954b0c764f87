import { isMangaAssistError } from '@mangaassist/common';
import { MODEL_ID_CONFIG_KEY, modelIdFromConfig } from './model-id';

describe('modelIdFromConfig', () => {
  it('reads the id recorded in config.json, or undefined when none is', () => {
    expect(modelIdFromConfig({ [MODEL_ID_CONFIG_KEY]: 'manga-v3' }, 'm/config.json')).toBe('manga-v3');
    expect(modelIdFromConfig({ dim: 768 }, 'm/config.json')).toBeUndefined();
  });

  it.each([[''], [' manga '], [42], [null], [['manga']]])('rejects %j, naming the file and the field', (value) => {
    let error: unknown;
    try {
      modelIdFromConfig({ [MODEL_ID_CONFIG_KEY]: value }, 'm/config.json');
    } catch (e) {
      error = e;
    }
    expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/^m\/config\.json: "mangaassist_model_id" must be a non-empty string/);
  });
});
