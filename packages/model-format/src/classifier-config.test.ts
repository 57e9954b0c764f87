import { isMangaAssistError } from '@mangaassist/common';
import { thrown } from './__tests__/thrown';
import {
  checkMultiLabel,
  classifierConfig,
  encoderConfigWithoutHead,
  HEAD_CONFIG_KEY,
  headMaxLength,
  headPooling,
  headWide,
  labelMaps,
  labelsFromConfig,
  MULTI_LABEL_PROBLEM_TYPE,
  parseSavedHead,
} from './classifier-config';
import { tinyDistilBertConfig } from './distilbert-config';

const FILE = 'm/config.json';
const LABELS = ['frustration', 'satisfaction', 'neutral'];

describe('label maps', () => {
  it('writes id2label and label2id that read back to the same labels', () => {
    const maps = labelMaps(LABELS);
    expect(maps).toEqual({
      id2label: { '0': 'frustration', '1': 'satisfaction', '2': 'neutral' },
      label2id: { frustration: 0, satisfaction: 1, neutral: 2 },
    });
    expect(labelsFromConfig(maps, FILE)).toEqual(LABELS);
    expect(labelsFromConfig({ id2label: maps.id2label }, FILE)).toEqual(LABELS);
  });

  it.each([
    ['missing', {}, 'id2label', 'm/config.json: id2label is missing; "id2label" must map "0".."n-1" to label names'],
    ['empty', { id2label: {} }, 'id2label', 'm/config.json: id2label is {}; "id2label" must map "0".."n-1" to label names'],
    ['a gap', { id2label: { 0: 'a', 2: 'b' } }, 'id2label.1', 'm/config.json: id2label must map "0".."1" to names; "1" is undefined'],
    ['an empty name', { id2label: { 0: 'a', 1: '' } }, 'id2label.1', 'm/config.json: id2label must map "0".."1" to names; "1" is ""'],
    [
      'a contradicting label2id',
      { id2label: { 0: 'a', 1: 'b' }, label2id: { a: 1, b: 0 } },
      'label2id.a',
      'm/config.json: label2id disagrees with id2label: "a" is 1 in label2id',
    ],
  ])('refuses %s, naming the file and the field', (_, config, field, message) => {
    const error = thrown(() => labelsFromConfig(config, FILE));
    expect(isMangaAssistError(error, 'CHECKPOINT_INVALID')).toBe(true);
    expect(error.message).toBe(message);
    expect(error.details).toMatchObject({ file: FILE, field });
  });
});

describe('classifier config.json', () => {
  const head = { hidden_dim: 16, inner_dropout: 0.1, max_length: 32, pooling: 'mean' as const };

  it('builds config.json from the encoder config, dropping a previous task and keeping the head block', () => {
    const encoder = { ...tinyDistilBertConfig(), id2label: { 0: 'old' }, [HEAD_CONFIG_KEY]: { hidden_dim: 1 } };
    const config = classifierConfig(encoder, { labels: LABELS, head });
    expect(config).toMatchObject({ model_type: 'distilbert', dim: 32, problem_type: MULTI_LABEL_PROBLEM_TYPE, ...labelMaps(LABELS) });
    expect(config.architectures).toEqual(['MangaAssistDistilBertForMultiLabelClassification']);
    expect(config[HEAD_CONFIG_KEY]).toEqual(head);
    expect(labelsFromConfig(config, FILE)).toEqual(LABELS);
    expect(parseSavedHead(config, FILE)).toEqual(head);
    expect(() => checkMultiLabel(config, FILE)).not.toThrow();
    expect(HEAD_CONFIG_KEY in classifierConfig(encoder, { labels: LABELS })).toBe(false);
    expect(encoderConfigWithoutHead(config)).not.toHaveProperty('id2label');
  });

  it('reads the head block whole (training) or field by field (export, serving)', () => {
    const wide = { buckets: 97, bigrams: true, lr_multiplier: 50 };
    const config = { [HEAD_CONFIG_KEY]: { ...head, wide } };
    expect(parseSavedHead(config, FILE)).toEqual({ ...head, wide });
    expect(headPooling(config, FILE)).toBe('mean');
    expect(headWide(config, FILE)).toEqual(wide);
    expect(headMaxLength(config, 512)).toBe(32);
    expect(headMaxLength(config, 16)).toBe(16);
    // Saved before pooling and the wide part existed: [CLS], no wide part.
    const old = { [HEAD_CONFIG_KEY]: { hidden_dim: 16, inner_dropout: 0.1, max_length: 32 } };
    expect(parseSavedHead(old, FILE).pooling).toBe('cls');
    expect(headPooling({}, FILE)).toBe('cls');
    expect(headWide(old, FILE)).toBeUndefined();
    expect(headMaxLength({}, 512)).toBeUndefined();
  });

  it('names the file and the field of a bad head block or problem type', () => {
    const pooling = thrown(() => headPooling({ [HEAD_CONFIG_KEY]: { ...head, pooling: 'max' } }, FILE));
    expect(pooling.message).toBe('m/config.json: "mangaassist_head.pooling" is "max"; allowed: cls, mean');
    expect(pooling.details).toMatchObject({ file: FILE, field: 'mangaassist_head.pooling' });
    const whole = thrown(() => parseSavedHead({ [HEAD_CONFIG_KEY]: { ...head, pooling: 'max' } }, FILE));
    expect(whole.message).toContain('m/config.json: "mangaassist_head" must be {hidden_dim, inner_dropout, max_length, pooling?}: mangaassist_head.pooling:');
    expect(thrown(() => parseSavedHead({}, FILE)).details).toMatchObject({ file: FILE, field: 'mangaassist_head' });
    const wide = thrown(() => headWide({ [HEAD_CONFIG_KEY]: { wide: { buckets: 'many', bigrams: true } } }, FILE));
    expect(wide.message).toMatch(/^m\/config\.json: "mangaassist_head\.wide" must be \{buckets, bigrams, lr_multiplier\?\}: mangaassist_head\.wide\.buckets: /);
    expect(thrown(() => parseSavedHead({ [HEAD_CONFIG_KEY]: { ...head, wide: { buckets: 0, bigrams: true } } }, FILE)).details).toMatchObject({
      field: 'mangaassist_head.wide.buckets',
    });
    const problem = thrown(() => checkMultiLabel({ problem_type: 'single_label_classification' }, FILE));
    expect(problem.message).toBe('m/config.json: problem_type is "single_label_classification"; allowed: "multi_label_classification"');
    expect(problem.details).toMatchObject({ file: FILE, field: 'problem_type' });
  });
});
