import type { TestRequest } from './http-client';
import { AS_AGENT } from './test-server';

/** One generated bad request and the status it must get. */
export interface BadRequestCase {
  readonly kind: string;
  readonly request: TestRequest;
  readonly status: number;
}

/** Limits of the server under test, so cases can straddle them. */
export interface Limits {
  readonly maxChars: number;
  readonly maxBatch: number;
  readonly bodyLimitBytes: number;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same 10,000 cases on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JSON_TYPE = { 'content-type': 'application/json' };

/**
 * Generates `count` bad requests of many kinds (bad JSON, wrong types, empty and oversized texts, NUL, lone
 * surrogates, oversized batches and bodies, wrong media types, prototype poisoning, unknown routes and methods,
 * admin calls without a token, bad feedback), each with the 4xx status the server must answer.
 */
export function generateBadRequests(count: number, limits: Limits, seed = 20240601): BadRequestCase[] {
  const rand = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const word = () => pick(['hello', 'angry', 'order', 'late', 'manga', 'cancel', 'where', 'is', 'my', 'parcel']);
  const sentence = () => Array.from({ length: int(1, 8) }, word).join(' ');
  const insertAt = (s: string, piece: string) => {
    const at = int(0, s.length);
    return s.slice(0, at) + piece + s.slice(at);
  };
  const classify = (payload: unknown): TestRequest => ({ method: 'POST', url: '/v1/classify', payload });
  const rawClassify = (raw: string, headers: Record<string, string> = JSON_TYPE): TestRequest => ({ method: 'POST', url: '/v1/classify', raw, headers });
  const wrongValues = [0, -1, 3.5, true, false, null, [], {}, ['a'], { text: 'a' }, 1e308];

  const generators: readonly (() => BadRequestCase)[] = [
    () => {
      const valid = JSON.stringify({ text: sentence() });
      const broken = pick([
        valid.slice(0, int(1, valid.length - 1)),
        valid.replace('{', '{,'),
        valid.replace(/"/g, "'"),
        `${valid}}`,
        valid.replace(':', ''),
        '{text: "hello"}',
        'undefined',
        'NaN',
        '{"text": "a",}',
        Buffer.from(Array.from({ length: int(1, 64) }, () => int(0, 255))).toString('latin1'),
      ]);
      return { kind: 'bad JSON', request: rawClassify(broken), status: 400 };
    },
    () => ({ kind: 'wrong type: text', request: classify({ text: pick(wrongValues) }), status: 400 }),
    () => ({ kind: 'wrong type: texts', request: classify({ texts: pick([...wrongValues.filter((v) => !Array.isArray(v)), [1], [null], ['ok', 2], [['nested']]]) }), status: 400 }),
    () => ({ kind: 'wrong type: explain', request: classify({ text: sentence(), explain: pick(['true', 1, 0, null, [], {}]) }), status: 400 }),
    () => ({ kind: 'wrong type: root', request: rawClassify(pick(['[]', '[{"text":"a"}]', '"hello"', '42', 'null', 'true'])), status: 400 }),
    () => ({ kind: 'empty text', request: classify(pick([{ text: '' }, { text: ' '.repeat(int(1, 50)) }, { text: '\n\t \r' }, { texts: [''] }, { texts: ['ok', '   '] }])), status: 400 }),
    () => ({ kind: 'huge text', request: classify({ text: 'x'.repeat(int(limits.maxChars + 1, limits.maxChars * 10)) }), status: 400 }),
    () => ({ kind: 'huge text in batch', request: classify({ texts: [sentence(), 'y'.repeat(int(limits.maxChars + 1, limits.maxChars * 3))] }), status: 400 }),
    () => ({ kind: 'NUL', request: classify(pick([{ text: insertAt(sentence(), '\u0000') }, { texts: [sentence(), insertAt(sentence(), '\u0000'.repeat(int(1, 3)))] }])), status: 400 }),
    () => {
      const lone = pick(['\ud800', '\udbff', '\udc00', '\udfff', '\ud83d', '\ude00']);
      return { kind: 'lone surrogate', request: classify(pick([{ text: insertAt(sentence(), lone) }, { texts: [insertAt(sentence(), lone)] }])), status: 400 };
    },
    () => ({ kind: 'huge batch', request: classify({ texts: Array.from({ length: int(limits.maxBatch + 1, limits.maxBatch * 20) }, () => 'hi') }), status: 400 }),
    () => ({ kind: 'empty batch', request: classify({ texts: [] }), status: 400 }),
    () => ({
      kind: 'bad shape',
      request: classify(pick<unknown>([{}, { text: 'a', texts: ['b'] }, { txt: 'a' }, { text: 'a', extra: true }, { texts: ['a'], explain: true, debug: 1 }])),
      status: 400,
    }),
    () => ({ kind: 'prototype poisoning', request: rawClassify(pick(['{"text":"a","__proto__":{"x":1}}', '{"text":"a","constructor":{"prototype":{"x":1}}}'])), status: 400 }),
    () => ({ kind: 'empty body', request: rawClassify(''), status: 400 }),
    () => ({
      kind: 'wrong media type',
      request: rawClassify(JSON.stringify({ text: sentence() }), {
        'content-type': pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'image/png']),
      }),
      status: 415,
    }),
    () => ({
      kind: 'body over the limit',
      request: { ...classify(undefined), raw: JSON.stringify({ text: 'z'.repeat(limits.bodyLimitBytes + int(1, 1000)) }), headers: JSON_TYPE },
      status: 413,
    }),
    () => ({ kind: 'unknown route', request: { method: pick(['GET', 'POST', 'DELETE']), url: pick(['/', '/v2/classify', '/v1/classify/x', '/admin', '/%2e%2e/etc/passwd', `/x${'a'.repeat(int(1, 500))}`]) }, status: 404 }),
    () => ({ kind: 'wrong method', request: { method: pick(['GET', 'PUT', 'DELETE', 'PATCH']), url: '/v1/classify' }, status: 404 }),
    () => ({ kind: 'admin without token', request: pick<TestRequest>([{ url: '/admin/api/thresholds' }, { url: '/admin/api/audit' }, { method: 'PUT', url: '/admin/api/thresholds/frustration/override', payload: { value: 0.1, reason: 'x', author: 'y' } }, { url: '/admin/api/thresholds', headers: { authorization: `Bearer ${'t'.repeat(int(0, 40))}` } }]), status: 401 }),
    () => ({ kind: 'bad feedback', request: { method: 'POST', url: '/v1/feedback', headers: AS_AGENT, payload: pick<unknown>([{}, { escalationId: 1, correct: true }, { escalationId: 'x', correct: 'no' }, { escalationId: '', correct: true }, { escalationId: 'x'.repeat(101), correct: true }, [], 'x']) }, status: 400 }),
    () => ({ kind: 'unknown escalation', request: { method: 'POST', url: '/v1/feedback', headers: AS_AGENT, payload: { escalationId: `e-${int(0, 1e9)}`, correct: rand() < 0.5 } }, status: 404 }),
  ];
  const cases: BadRequestCase[] = [];
  // Oversized bodies are costly to send: keep them to about 1% of the cases.
  const weights = generators.map((_, i) => (i === 16 ? 0.2 : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  while (cases.length < count) {
    let r = rand() * total;
    let i = 0;
    while (r >= (weights[i] as number)) r -= weights[i++] as number;
    cases.push((generators[i] as () => BadRequestCase)());
  }
  return cases;
}
