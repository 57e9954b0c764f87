import { MangaAssistError, type ValidationProblem } from '@mangaassist/common';

/** How a hyperparameter's text is read. */
type HyperparameterKind = 'string' | 'int' | 'number' | 'bool' | 'strings' | 'numbers';

/**
 * One hyperparameter a training job accepts: its type and where it lands in the job configuration.
 *
 * @example
 * ```ts
 * const epochs: HyperparameterSpec = { name: 'num_epochs', kind: 'int', fields: ['schedule.epochs'], description: 'training epochs' };
 * ```
 */
export interface HyperparameterSpec {
  readonly name: string;
  readonly kind: HyperparameterKind;
  /** The job-config field(s) it sets, dotted (`schedule.epochs`); named in errors about its value. */
  readonly fields: readonly string[];
  readonly description: string;
  /** Turns the typed value into the value(s) written at `fields` (default: the value itself at every field). */
  readonly toConfig?: (value: never) => unknown;
}

/**
 * The hyperparameters of the managed training-job container, with the names the design document's cloud estimator
 * passes (`model_name`, `num_epochs`, `batch_size`, `base_lr`, `decay_factor`, `gamma`, `label_weights`,
 * `gradual_unfreezing`) and a few more that the job configuration offers. Each maps onto one field of the training
 * job configuration (`trainJobConfigSchema`), which still checks ranges and plugin ids.
 *
 * @example
 * ```ts
 * HYPERPARAMETERS.find((spec) => spec.name === 'num_epochs')?.fields; // ['schedule.epochs']
 * ```
 */
export const HYPERPARAMETERS: readonly HyperparameterSpec[] = [
  { name: 'model_name', kind: 'string', fields: ['model.pretrained'], description: 'encoder to fine-tune: a hub id (needs network) or a directory' },
  { name: 'labels', kind: 'strings', fields: ['model.labels'], description: 'comma-separated label names, in output order' },
  { name: 'max_length', kind: 'int', fields: ['model.maxLength'], description: 'tokens per message (8..512)' },
  { name: 'pooling', kind: 'string', fields: ['model.head.pooling'], description: 'what the head reads: cls or mean' },
  { name: 'head_hidden_dim', kind: 'int', fields: ['model.head.hiddenDim'], description: 'width of the head hidden layer' },
  { name: 'dropout', kind: 'number', fields: ['model.head.dropout'], description: 'head dropout, 0..1' },
  { name: 'num_epochs', kind: 'int', fields: ['schedule.epochs'], description: 'training epochs' },
  {
    name: 'gradual_unfreezing',
    kind: 'bool',
    fields: ['schedule.unfreezing.id'],
    description: 'true: ULMFiT gradual unfreezing (ulmfit); false: every layer from the start (full)',
    toConfig: (on: boolean) => (on ? 'ulmfit' : 'full'),
  },
  { name: 'unfreezing', kind: 'string', fields: ['schedule.unfreezing.id'], description: 'unfreezing schedule id (`mangaassist schedules`)' },
  { name: 'lr_schedule', kind: 'string', fields: ['schedule.lr.id'], description: 'learning-rate schedule id (`mangaassist schedules`)' },
  { name: 'base_lr', kind: 'number', fields: ['optimizer.baseLr'], description: 'learning rate of the head' },
  { name: 'decay_factor', kind: 'number', fields: ['optimizer.lrDecay'], description: 'discriminative rate divisor per layer group (≥ 1)' },
  { name: 'weight_decay', kind: 'number', fields: ['optimizer.weightDecay'], description: 'AdamW weight decay' },
  { name: 'loss', kind: 'string', fields: ['loss.id'], description: 'loss id (`mangaassist losses`)' },
  { name: 'gamma', kind: 'number', fields: ['loss.options.gamma'], description: 'focal loss focusing parameter γ (selects the focal loss unless `loss` is given)' },
  {
    name: 'label_weights',
    kind: 'numbers',
    fields: ['loss.options.alpha'],
    description: 'comma-separated focal α per label, in label order (selects the focal loss unless `loss` is given)',
  },
  { name: 'batch_size', kind: 'int', fields: ['training.batchSize'], description: 'examples per optimizer step' },
  { name: 'eval_batch_size', kind: 'int', fields: ['training.evalBatchSize'], description: 'examples per validation forward pass' },
  { name: 'seed', kind: 'int', fields: ['training.seed', 'data.seed'], description: 'seed of initialisation, shuffling and the validation split' },
  { name: 'early_stopping_patience', kind: 'int', fields: ['training.earlyStoppingPatience'], description: 'epochs without improvement before stopping (0: never)' },
  { name: 'max_steps', kind: 'int', fields: ['training.maxSteps'], description: 'stop after this many optimizer steps' },
  { name: 'backend', kind: 'string', fields: ['training.backend'], description: 'TensorFlow.js backend (default: chosen by priority)' },
  { name: 'val_fraction', kind: 'number', fields: ['data.valFraction'], description: 'held-out share of the training data when no validation channel is given' },
  { name: 'data_format', kind: 'string', fields: ['data.train[].format', 'data.validation.format'], description: 'format of the channel files (jsonl, csv, tsv, goemotions); default from each extension' },
];

/**
 * Hyperparameters the platform adds for its own use (`sagemaker_program`, `sagemaker_region`, …): skipped, so that
 * a job launched by a framework estimator is not refused for them.
 *
 * @example
 * ```ts
 * const ownedByPlatform = name.startsWith(PLATFORM_HYPERPARAMETER_PREFIX);
 * ```
 */
export const PLATFORM_HYPERPARAMETER_PREFIX = 'sagemaker_';

/**
 * Hyperparameters mapped onto the job configuration.
 *
 * @example
 * ```ts
 * const { fields, origin }: MappedHyperparameters = mapHyperparameters({ num_epochs: '3' }, 'hyperparameters.json');
 * for (const [field, value] of fields) setConfigField(raw, field, value); // schedule.epochs = 3
 * ```
 */
export interface MappedHyperparameters {
  /** Partial job configuration: set these onto the base configuration (see {@link setConfigField}). */
  readonly fields: ReadonlyMap<string, unknown>;
  /** Job-config field → the hyperparameter that set it, to name it in validation errors. */
  readonly origin: ReadonlyMap<string, string>;
  /** `data_format` when given: applied to every channel file. */
  readonly dataFormat?: string;
  /** Platform hyperparameters that were skipped. */
  readonly ignored: readonly string[];
}

/**
 * Maps `hyperparameters.json` onto training job configuration fields. The platform writes every value as a string
 * (a framework estimator JSON-encodes them first, so `"\"distilbert-base-uncased\""` and `"true"` arrive; a generic
 * one writes Python's `str()`, so `"True"`): both are read. Numbers and booleans written as such are taken too.
 *
 * @param source - the file's name, for messages
 * @throws MangaAssistError `CONFIG_INVALID` listing every unknown hyperparameter (with the known ones) and every
 *   value that does not read as its type (naming the hyperparameter, the type and the value), all at once
 *
 * @example
 * ```ts
 * const mapped = mapHyperparameters({ num_epochs: '8', base_lr: '3e-5', gradual_unfreezing: 'True' }, 'hyperparameters.json');
 * mapped.fields.get('schedule.epochs'); // 8
 * ```
 */
export function mapHyperparameters(raw: unknown, source: string): MappedHyperparameters {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new MangaAssistError('CONFIG_INVALID', `${source} must hold a JSON object of hyperparameters (name → string value)`, { source });
  }
  const byName = new Map(HYPERPARAMETERS.map((spec) => [spec.name, spec]));
  const problems: ValidationProblem[] = [];
  const fields = new Map<string, unknown>();
  const origin = new Map<string, string>();
  const ignored: string[] = [];
  let dataFormat: string | undefined;
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (name.startsWith(PLATFORM_HYPERPARAMETER_PREFIX)) {
      ignored.push(name);
      continue;
    }
    const spec = byName.get(name);
    if (!spec) {
      problems.push({ path: name, message: `unknown hyperparameter; known: ${HYPERPARAMETERS.map((s) => s.name).join(', ')} (and ${PLATFORM_HYPERPARAMETER_PREFIX}* ones, ignored)` });
      continue;
    }
    const typed = readValue(spec.kind, value);
    if (typed.error !== undefined) {
      problems.push({ path: name, message: `${typed.error}; got ${JSON.stringify(value)}` });
      continue;
    }
    if (name === 'data_format') {
      dataFormat = typed.value as string;
      continue;
    }
    for (const field of spec.fields) {
      const taken = origin.get(field);
      if (taken !== undefined) {
        problems.push({ path: name, message: `sets ${field}, which ${taken} sets too; give one of them` });
        continue;
      }
      fields.set(field, spec.toConfig ? spec.toConfig(typed.value as never) : typed.value);
      origin.set(field, name);
    }
  }
  // `gamma` and `label_weights` are focal loss's parameters (the design's estimator passes them without naming the
  // loss): they select it, since the job's default loss is BCE.
  const focalBy = origin.get('loss.options.gamma') ?? origin.get('loss.options.alpha');
  if (focalBy !== undefined && !fields.has('loss.id')) {
    fields.set('loss.id', 'focal');
    origin.set('loss.id', focalBy);
  }
  if (problems.length > 0) {
    throw new MangaAssistError(
      'CONFIG_INVALID',
      `${source} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`,
      { source, problems },
    );
  }
  return { fields, origin, ignored, ...(dataFormat !== undefined ? { dataFormat } : {}) };
}

/**
 * Sets a dotted field (`model.head.hiddenDim`) on a raw configuration object, creating the objects on its way.
 *
 * @example
 * ```ts
 * const raw = {};
 * setConfigField(raw, 'optimizer.baseLr', 3e-5); // { optimizer: { baseLr: 3e-5 } }
 * ```
 */
export function setConfigField(raw: Record<string, unknown>, field: string, value: unknown): void {
  const path = field.split('.');
  let node = raw;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    node[segment] = next !== null && typeof next === 'object' && !Array.isArray(next) ? { ...(next as object) } : {};
    node = node[segment] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

const KIND_NAMES: Record<HyperparameterKind, string> = {
  string: 'a non-empty string',
  int: 'an integer',
  number: 'a finite number',
  bool: 'a boolean (true or false)',
  strings: 'a comma-separated list of names',
  numbers: 'a comma-separated list of numbers',
};

/** A JSON-encoded string (`"\"cpu\""`) is unwrapped; anything else stays as it is. */
function unwrap(value: unknown): unknown {
  if (typeof value !== 'string' || !value.startsWith('"')) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}

function readValue(kind: HyperparameterKind, raw: unknown): { value?: unknown; error?: string } {
  const value = unwrap(raw);
  const fail = { error: `must be ${KIND_NAMES[kind]}` };
  const text = typeof value === 'string' ? value.trim() : undefined;
  switch (kind) {
    case 'string':
      return text ? { value: text } : fail;
    case 'int': {
      if (typeof value === 'number') return Number.isSafeInteger(value) ? { value } : fail;
      return text !== undefined && /^[+-]?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? { value: Number(text) } : fail;
    }
    case 'number': {
      const n = typeof value === 'number' ? value : text ? Number(text) : Number.NaN;
      return Number.isFinite(n) ? { value: n } : fail;
    }
    case 'bool': {
      if (typeof value === 'boolean') return { value };
      const lower = text?.toLowerCase();
      return lower === 'true' ? { value: true } : lower === 'false' ? { value: false } : fail;
    }
    case 'strings':
    case 'numbers': {
      const items = listItems(value);
      if (!items || items.length === 0 || items.some((item) => item === '')) return fail;
      if (kind === 'strings') return items.every((item) => typeof item === 'string') ? { value: items } : fail;
      const numbers = items.map((item) => (typeof item === 'number' ? item : Number(item)));
      return numbers.every(Number.isFinite) ? { value: numbers } : fail;
    }
  }
}

/** Items of a list hyperparameter: `"a,b"`, a JSON array (`"[0.4, 1]"`) or an array. */
function listItems(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item.trim() : item));
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      return Array.isArray(parsed) ? listItems(parsed) : undefined;
    } catch {
      return undefined;
    }
  }
  return text.split(',').map((item) => item.trim());
}
