import { closeSync, fstatSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { MangaAssistError } from '@mangaassist/common';

/** Element types of the safetensors format (https://github.com/huggingface/safetensors). */
export type SafetensorsDtype =
  | 'F64'
  | 'F32'
  | 'F16'
  | 'BF16'
  | 'I64'
  | 'I32'
  | 'I16'
  | 'I8'
  | 'U8'
  | 'BOOL';

/** Bytes per element of each dtype. */
const DTYPE_BYTES: Readonly<Record<SafetensorsDtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/** Floating-point tensors are always returned as `Float32Array`; integer tensors keep a typed array of their kind. */
export type SafetensorsData = Float32Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

/** One tensor read from (or to write to) a safetensors file. */
export interface SafetensorsTensor {
  /** The dtype stored in the file (a `F16` tensor reads as `Float32Array` data but keeps `dtype: 'F16'`). */
  readonly dtype: SafetensorsDtype;
  /** Dimensions, outermost first (row-major, as PyTorch stores them). */
  readonly shape: readonly number[];
  readonly data: SafetensorsData;
}

/** A whole safetensors file: tensors by name (header order) and the free-form string metadata. */
export interface SafetensorsFile {
  readonly tensors: Map<string, SafetensorsTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** One header entry, without the data: what {@link readSafetensorsHeader} returns. */
export interface SafetensorsEntry {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Byte range `[begin, end)` inside the data section (after the header). */
  readonly dataOffsets: readonly [number, number];
}

/** Parsed header of a safetensors file. */
export interface SafetensorsHeader {
  readonly entries: Map<string, SafetensorsEntry>;
  readonly metadata: Readonly<Record<string, string>>;
  /** Byte offset of the data section in the file (8 + header length). */
  readonly dataStart: number;
}

/** What {@link writeSafetensors} accepts for one tensor: float data is written as F32. */
export interface SafetensorsInput {
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array | BigInt64Array;
}

// The reference implementation refuses headers above 100 MB; a bigger one is a corrupt length field, not a model.
const MAX_HEADER_BYTES = 100_000_000;
const LITTLE_ENDIAN_HOST = endianness() === 'LE';

function invalid(file: string, message: string, details: Record<string, unknown> = {}): MangaAssistError {
  return new MangaAssistError('CHECKPOINT_INVALID', `${file}: ${message}`, { file, ...details });
}

function isDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_BYTES, value);
}

/**
 * Parses and validates the header bytes (the JSON after the 8-byte length). Every entry is checked: known dtype,
 * non-negative integer shape, offsets that match the shape's byte size and lie inside the data section, and
 * entries that tile the data section without overlap (as the reference implementation requires).
 */
function parseHeader(file: string, headerBytes: Buffer, dataBytes: number, dataStart: number): SafetensorsHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(headerBytes.toString('utf8'));
  } catch (error) {
    throw invalid(file, `malformed safetensors header: not valid JSON (${(error as Error).message})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalid(file, 'malformed safetensors header: expected a JSON object of tensor entries');
  }
  const entries = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(file, value);
      continue;
    }
    entries.set(name, parseEntry(file, name, value, dataBytes));
  }
  checkTiling(file, entries, dataBytes);
  return { entries, metadata, dataStart };
}

function parseMetadata(file: string, value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(file, 'malformed safetensors header: "__metadata__" must be an object of strings');
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw invalid(file, `malformed safetensors header: "__metadata__.${key}" must be a string, got ${typeof v}`);
    }
  }
  return value as Record<string, string>;
}

function parseEntry(file: string, name: string, value: unknown, dataBytes: number): SafetensorsEntry {
  const where = `tensor "${name}"`;
  if (value === null || typeof value !== 'object') {
    throw invalid(file, `malformed safetensors header: ${where} must be an object`, { tensor: name });
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (!isDtype(dtype)) {
    throw invalid(
      file,
      `${where} has unsupported dtype ${JSON.stringify(dtype)}; allowed: ${Object.keys(DTYPE_BYTES).join(', ')}`,
      { tensor: name },
    );
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw invalid(file, `${where} has an invalid shape ${JSON.stringify(shape)} (non-negative integers expected)`, {
      tensor: name,
    });
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[1] < offsets[0]
  ) {
    throw invalid(file, `${where} has invalid data_offsets ${JSON.stringify(offsets)} ([begin, end] expected)`, {
      tensor: name,
    });
  }
  const [begin, end] = offsets as [number, number];
  const expected = (shape as number[]).reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
  if (end - begin !== expected) {
    throw invalid(
      file,
      `${where} (${dtype} ${JSON.stringify(shape)}) needs ${expected} bytes but data_offsets span ${end - begin}`,
      { tensor: name },
    );
  }
  if (end > dataBytes) {
    throw invalid(
      file,
      `truncated file: ${where} needs data bytes [${begin}, ${end}) but the data section has only ${dataBytes} bytes`,
      { tensor: name },
    );
  }
  return { dtype, shape: shape as number[], dataOffsets: [begin, end] };
}

function checkTiling(file: string, entries: Map<string, SafetensorsEntry>, dataBytes: number): void {
  const sorted = [...entries].sort((a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0]);
  let cursor = 0;
  for (const [name, { dataOffsets }] of sorted) {
    if (dataOffsets[0] !== cursor) {
      const what = dataOffsets[0] < cursor ? 'overlaps the previous tensor' : 'leaves a gap before it';
      throw invalid(file, `malformed safetensors header: tensor "${name}" ${what} (offset ${dataOffsets[0]})`, {
        tensor: name,
      });
    }
    cursor = dataOffsets[1];
  }
  if (cursor !== dataBytes) {
    throw invalid(file, `data section has ${dataBytes} bytes but the header describes ${cursor}`);
  }
}

/** Reads the 8-byte length and the header, checking them against the file size. */
function readHeaderFrom(file: string, read: (start: number, length: number) => Buffer, size: number): SafetensorsHeader {
  if (size < 8) throw invalid(file, `truncated file: ${size} bytes, shorter than the 8-byte header length`);
  const length = read(0, 8).readBigUInt64LE(0);
  if (length > BigInt(MAX_HEADER_BYTES)) {
    throw invalid(file, `malformed safetensors header: header length ${length} exceeds ${MAX_HEADER_BYTES} bytes`);
  }
  const headerLength = Number(length);
  if (8 + headerLength > size) {
    throw invalid(file, `truncated file: header needs ${headerLength} bytes but the file has ${size - 8} after the length`);
  }
  return parseHeader(file, read(8, headerLength), size - 8 - headerLength, 8 + headerLength);
}

/**
 * Reads only the header of a safetensors file (names, dtypes, shapes, offsets, metadata) without loading data.
 * Throws `CHECKPOINT_INVALID` naming the file (and the tensor) when the header is malformed or the file truncated.
 *
 * @example
 * ```ts
 * const { entries } = readSafetensorsHeader('model/model.safetensors');
 * for (const [name, e] of entries) console.log(name, e.dtype, e.shape);
 * ```
 */
export function readSafetensorsHeader(path: string): SafetensorsHeader {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    return readHeaderFrom(
      path,
      (start, length) => {
        const buffer = Buffer.alloc(length);
        readSync(fd, buffer, 0, length, start);
        return buffer;
      },
      size,
    );
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a safetensors file: F32, F16 and BF16 (and F64) tensors become `Float32Array`s; integer tensors keep a
 * typed array of their kind (`I64` → `BigInt64Array`, `BOOL`/`U8` → `Uint8Array`). Throws `CHECKPOINT_INVALID`
 * naming the file and tensor for a malformed header, a truncated file or inconsistent offsets.
 *
 * @example
 * ```ts
 * const { tensors, metadata } = readSafetensors('tiny-distilbert/model.safetensors');
 * const ln = tensors.get('embeddings.LayerNorm.weight'); // { dtype: 'F32', shape: [32], data: Float32Array(32) }
 * ```
 */
export function readSafetensors(path: string): SafetensorsFile {
  const bytes = readFileSync(path);
  const header = readHeaderFrom(path, (start, length) => bytes.subarray(start, start + length), bytes.length);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [name, entry] of header.entries) {
    const begin = header.dataStart + entry.dataOffsets[0];
    const slice = bytes.subarray(begin, header.dataStart + entry.dataOffsets[1]);
    tensors.set(name, { dtype: entry.dtype, shape: entry.shape, data: decode(entry.dtype, slice) });
  }
  return { tensors, metadata: header.metadata };
}

/** Copies little-endian bytes into a fresh (aligned) buffer; on a big-endian host swaps each element. */
function alignedCopy(bytes: Buffer, elementBytes: number): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  if (!LITTLE_ENDIAN_HOST && elementBytes > 1) {
    for (let i = 0; i < copy.length; i += elementBytes) copy.subarray(i, i + elementBytes).reverse();
  }
  return copy.buffer;
}

function decode(dtype: SafetensorsDtype, bytes: Buffer): SafetensorsData {
  switch (dtype) {
    case 'F32':
      return new Float32Array(alignedCopy(bytes, 4));
    case 'F64':
      return Float32Array.from(new Float64Array(alignedCopy(bytes, 8)));
    case 'F16':
      return halfToFloat(new Uint16Array(alignedCopy(bytes, 2)));
    case 'BF16':
      return bfloat16ToFloat(new Uint16Array(alignedCopy(bytes, 2)));
    case 'I64':
      return new BigInt64Array(alignedCopy(bytes, 8));
    case 'I32':
      return new Int32Array(alignedCopy(bytes, 4));
    case 'I16':
      return new Int16Array(alignedCopy(bytes, 2));
    case 'I8':
      return new Int8Array(alignedCopy(bytes, 1));
    case 'U8':
    case 'BOOL':
      return new Uint8Array(alignedCopy(bytes, 1));
  }
}

/**
 * IEEE 754 half precision to single precision, exactly (every half is representable as a float).
 *
 * @example
 * ```ts
 * halfToFloat(new Uint16Array([0x3c00])); // Float32Array [1]
 * ```
 */
export function halfToFloat(halves: Uint16Array): Float32Array {
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) {
    const h = halves[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) out[i] = sign * mantissa * 2 ** -24;
    else if (exponent === 0x1f) out[i] = mantissa ? NaN : sign * Infinity;
    else out[i] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return out;
}

/**
 * bfloat16 to float32: a bfloat16 is the upper half of a float32, so the conversion is a 16-bit shift.
 *
 * @example
 * ```ts
 * bfloat16ToFloat(new Uint16Array([0x3f80])); // Float32Array [1]
 * ```
 */
export function bfloat16ToFloat(values: Uint16Array): Float32Array {
  const bits = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) bits[i] = values[i]! << 16;
  return new Float32Array(bits.buffer);
}

function dtypeOf(file: string, name: string, data: SafetensorsInput['data']): SafetensorsDtype {
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Int32Array) return 'I32';
  if (data instanceof BigInt64Array) return 'I64';
  throw new TypeError(`${file}: tensor "${name}" data must be a Float32Array, Int32Array or BigInt64Array`);
}

function littleEndianBytes(data: SafetensorsInput['data']): Buffer {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN_HOST) return bytes;
  const copy = Buffer.from(bytes);
  for (let i = 0; i < copy.length; i += data.BYTES_PER_ELEMENT) copy.subarray(i, i + data.BYTES_PER_ELEMENT).reverse();
  return copy;
}

/**
 * Writes tensors to a safetensors file atomically (a temporary file in the same folder, then a rename), so a
 * reader never sees a half-written checkpoint. Tensors are written in name order; the header is padded with
 * spaces to a multiple of 8 bytes so every tensor starts aligned, as the reference writer does.
 *
 * @param metadata - free-form strings stored under `__metadata__` (Hugging Face writes `{ format: 'pt' }`)
 * @throws RangeError when a tensor's data length does not match its shape
 *
 * @example
 * ```ts
 * writeSafetensors('out/model.safetensors', new Map([['w', { shape: [2, 2], data: new Float32Array(4) }]]), {
 *   format: 'pt',
 * });
 * ```
 */
export function writeSafetensors(
  path: string,
  tensors: ReadonlyMap<string, SafetensorsInput> | Readonly<Record<string, SafetensorsInput>>,
  metadata?: Readonly<Record<string, string>>,
): void {
  const list = (tensors instanceof Map ? [...tensors] : Object.entries(tensors)) as [string, SafetensorsInput][];
  list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = { ...metadata };
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, { shape, data }] of list) {
    if (name === '__metadata__') throw new RangeError(`${path}: "__metadata__" is reserved and cannot name a tensor`);
    const dtype = dtypeOf(path, name, data);
    const count = shape.reduce((a, b) => a * b, 1);
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0) || count !== data.length) {
      throw new RangeError(
        `${path}: tensor "${name}" has shape ${JSON.stringify(shape)} (${count} elements) but ${data.length} values`,
      );
    }
    const bytes = littleEndianBytes(data);
    header[name] = { dtype, shape: [...shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temporary, Buffer.concat([length, Buffer.from(json, 'utf8'), ...chunks]));
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
