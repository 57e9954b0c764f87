import { endianness } from 'node:os';
import { onnx } from 'onnx-proto';

/** Typed arrays an initializer can hold; the ONNX element type follows the array type. */
export type TensorValues = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

/** One dimension of a graph input/output: a fixed size or a symbolic name (dynamic axis such as `batch`). */
export type Dim = number | string;

/** An attribute value with its ONNX type made explicit (a JS number alone cannot tell int from float). */
export type AttributeValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string };

/** Element types used by graph inputs and outputs. */
export type ElementType = 'float32' | 'int64' | 'int32';

/** Domain of ONNX Runtime's contrib operators (Attention, SkipLayerNormalization, DynamicQuantizeMatMul…). */
export const MICROSOFT_DOMAIN = 'com.microsoft';

const ELEMENT_TYPES: Readonly<Record<ElementType, onnx.TensorProto.DataType>> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
};

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/**
 * Attribute helpers.
 *
 * @example
 * ```ts
 * g.node('LayerNormalization', [x, gamma, beta], { attributes: { axis: attr.int(-1), epsilon: attr.float(1e-12) } });
 * ```
 */
export const attr = {
  int: (value: number): AttributeValue => ({ kind: 'int', value }),
  float: (value: number): AttributeValue => ({ kind: 'float', value }),
  ints: (value: readonly number[]): AttributeValue => ({ kind: 'ints', value }),
  string: (value: string): AttributeValue => ({ kind: 'string', value }),
};

function dataTypeOf(values: TensorValues): onnx.TensorProto.DataType {
  if (values instanceof Float32Array) return onnx.TensorProto.DataType.FLOAT;
  if (values instanceof Int8Array) return onnx.TensorProto.DataType.INT8;
  if (values instanceof Uint8Array) return onnx.TensorProto.DataType.UINT8;
  if (values instanceof Int32Array) return onnx.TensorProto.DataType.INT32;
  return onnx.TensorProto.DataType.INT64;
}

/** ONNX stores raw tensor data little-endian; on a big-endian host each element is byte-swapped. */
function rawBytes(values: TensorValues): Uint8Array {
  const view = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (LITTLE_ENDIAN_HOST || values.BYTES_PER_ELEMENT === 1) return view;
  const copy = view.slice();
  for (let i = 0; i < copy.length; i += values.BYTES_PER_ELEMENT) copy.subarray(i, i + values.BYTES_PER_ELEMENT).reverse();
  return copy;
}

function toAttribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  const type = onnx.AttributeProto.AttributeType;
  switch (value.kind) {
    case 'int':
      return { name, type: type.INT, i: value.value };
    case 'float':
      return { name, type: type.FLOAT, f: value.value };
    case 'ints':
      return { name, type: type.INTS, ints: [...value.value] };
    case 'string':
      return { name, type: type.STRING, s: new TextEncoder().encode(value.value) };
  }
}

function valueInfo(name: string, elementType: ElementType, dims: readonly Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEMENT_TYPES[elementType],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Options of one node: how many outputs (or their names), attributes, operator domain. */
export interface NodeOptions {
  readonly outputs?: number | readonly string[];
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
  readonly domain?: string;
}

/** What {@link OnnxGraphBuilder.toModel} needs besides the graph. */
export interface ModelInfo {
  readonly graphName: string;
  /** Opset of the default (ai.onnx) domain. */
  readonly opset: number;
  /** Whether the graph uses com.microsoft contrib operators (adds that opset import). */
  readonly usesContribOps: boolean;
  readonly docString?: string;
  /** Free-form key/value pairs stored as `metadata_props`. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Builds an ONNX graph node by node with unique generated names, then wraps it in a `ModelProto`. Initializers are
 * stored as raw little-endian bytes, the compact form ONNX Runtime reads without conversion.
 *
 * @example
 * ```ts
 * const g = new OnnxGraphBuilder();
 * const x = g.input('x', 'float32', ['batch', 4]);
 * const w = g.initializer('w', [4, 2], new Float32Array(8));
 * g.output(g.node('MatMul', [x, w])[0]!, 'y', 'float32', ['batch', 2]);
 * const bytes = encodeModel(g.toModel({ graphName: 'demo', opset: 17, usesContribOps: false }));
 * ```
 */
export class OnnxGraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  /** A fresh value name starting with `hint`. */
  fresh(hint: string): string {
    let name = hint;
    while (this.names.has(name)) name = `${hint}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  /** Declares a graph input and returns its name. */
  input(name: string, elementType: ElementType, dims: readonly Dim[]): string {
    if (this.names.has(name)) throw new RangeError(`input name "${name}" is already used in the graph`);
    this.names.add(name);
    this.inputs.push(valueInfo(name, elementType, dims));
    return name;
  }

  /** Exposes `value` as the graph output `name` (through an Identity when the names differ). */
  output(value: string, name: string, elementType: ElementType, dims: readonly Dim[]): void {
    if (value !== name) {
      if (this.names.has(name)) throw new RangeError(`output name "${name}" is already used in the graph`);
      this.names.add(name);
      this.nodes.push({ opType: 'Identity', input: [value], output: [name], name: `${name}_identity` });
    }
    this.outputs.push(valueInfo(name, elementType, dims));
  }

  /** Adds a constant tensor and returns its (unique) name. */
  initializer(hint: string, dims: readonly number[], values: TensorValues): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== values.length) {
      throw new RangeError(`initializer "${hint}": dims ${JSON.stringify(dims)} need ${count} values, got ${values.length}`);
    }
    const name = this.fresh(hint);
    this.initializers.push({ name, dims: [...dims], dataType: dataTypeOf(values), rawData: rawBytes(values) });
    return name;
  }

  /** A 1-D int64 constant (shapes, axes, indices). */
  int64s(hint: string, values: readonly number[]): string {
    return this.initializer(hint, [values.length], BigInt64Array.from(values.map((v) => BigInt(v))));
  }

  /** A scalar float constant. */
  scalar(hint: string, value: number): string {
    return this.initializer(hint, [], Float32Array.of(value));
  }

  /** Adds a node; returns its output names (an empty input name marks an omitted optional input). */
  node(opType: string, inputs: readonly string[], options: NodeOptions = {}): string[] {
    const outputs =
      typeof options.outputs === 'object'
        ? options.outputs.map((o) => (o === '' ? '' : this.fresh(o)))
        : Array.from({ length: options.outputs ?? 1 }, () => this.fresh(opType.toLowerCase()));
    const attributes = Object.entries(options.attributes ?? {}).map(([k, v]) => toAttribute(k, v));
    this.nodes.push({
      opType,
      input: [...inputs],
      output: outputs,
      name: this.fresh(`${opType}_node`),
      ...(options.domain ? { domain: options.domain } : {}),
      ...(attributes.length > 0 ? { attribute: attributes } : {}),
    });
    return outputs;
  }

  /** Adds a single-output node and returns that output's name. */
  op(opType: string, inputs: readonly string[], options: Omit<NodeOptions, 'outputs'> = {}): string {
    return this.node(opType, inputs, options)[0]!;
  }

  /** Wraps the graph in a model (IR version 8, the one that goes with opset 17). */
  toModel(info: ModelInfo): onnx.ModelProto {
    const opsetImport: onnx.IOperatorSetIdProto[] = [{ domain: '', version: info.opset }];
    if (info.usesContribOps) opsetImport.push({ domain: MICROSOFT_DOMAIN, version: 1 });
    return onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'mangaassist-export',
      producerVersion: '0.1.0',
      opsetImport,
      docString: info.docString ?? '',
      metadataProps: Object.entries(info.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: info.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
  }
}

/**
 * Serialises a model to protobuf bytes.
 *
 * @example
 * ```ts
 * writeFileSync('model.onnx', encodeModel(model));
 * ```
 */
export function encodeModel(model: onnx.ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}
