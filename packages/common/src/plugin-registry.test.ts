import { z } from 'zod';
import { isMangaAssistError } from './errors';
import { PluginRegistry, type PluginDescriptor } from './plugin-registry';

interface Greeter {
  greet(name: string): string;
}

const polite: PluginDescriptor<{ greeting: string; times: number }, { suffix: string }, Greeter> = {
  id: 'polite',
  description: 'Greets politely.',
  optionsSchema: z.object({ greeting: z.string().default('Hello'), times: z.number().int().min(1).default(1) }).strict(),
  create: ({ greeting, times }, { suffix }) => ({ greet: (name) => `${greeting} ${name}${suffix}`.repeat(times) }),
};

const terse: PluginDescriptor<Record<string, never>, { suffix: string }, Greeter> = {
  id: 'terse',
  description: 'Greets tersely.',
  optionsSchema: z.object({}).strict(),
  create: () => ({ greet: (name) => name }),
};

function captured(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('PluginRegistry', () => {
  const registry = () => new PluginRegistry<{ suffix: string }, Greeter>('greeter').register(polite).register(terse);

  it('creates a plugin with defaults filled by its own schema and deps passed through', () => {
    expect(registry().create('polite', {}, { suffix: '!' }).greet('Ann')).toBe('Hello Ann!');
    expect(registry().create('polite', { greeting: 'Hi', times: 2 }, { suffix: '.' }).greet('Bo')).toBe('Hi Bo.Hi Bo.');
  });

  it('throws PLUGIN_DUPLICATE when an id is registered twice', () => {
    const error = captured(() => registry().register(terse));
    expect(isMangaAssistError(error, 'PLUGIN_DUPLICATE')).toBe(true);
    expect((error as Error).message).toContain('"terse" is already registered');
  });

  it('throws PLUGIN_UNKNOWN listing the known ids', () => {
    const error = captured(() => registry().create('rude', {}, { suffix: '' }));
    expect(isMangaAssistError(error, 'PLUGIN_UNKNOWN')).toBe(true);
    expect((error as Error).message).toBe('unknown greeter plugin "rude"; known: polite, terse');
  });

  it('reports every invalid option path', () => {
    const error = captured(() => registry().create('polite', { times: 0, extra: true }, { suffix: '' }));
    expect(isMangaAssistError(error, 'PLUGIN_OPTIONS_INVALID')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('greeter[polite].options.times');
    expect(message).toContain('unknown key(s) "extra"');
  });

  it('rejects ids that are not kebab-case', () => {
    const bad = { ...terse, id: 'Not Kebab' };
    expect(() => new PluginRegistry('greeter').register(bad)).toThrow(RangeError);
  });

  it('lists plugins sorted with a JSON schema of their options', () => {
    const listing = registry().list();
    expect(listing.map((p) => p.id)).toEqual(['polite', 'terse']);
    expect(listing[0]?.optionsJsonSchema).toMatchObject({ properties: { greeting: { type: 'string' } } });
  });
});
