/** Operation codes of the addon's `unary` function (must match `native/src/elementwise.cc`). */
export const UNARY_OPS = {
  Exp: 0,
  Neg: 1,
  Sqrt: 2,
  Rsqrt: 3,
  Square: 4,
  Erf: 5,
  Relu: 6,
  Sigmoid: 7,
  Tanh: 8,
  Log: 9,
  Abs: 10,
  Reciprocal: 11,
  Relu6: 12,
  LeakyRelu: 13,
  Elu: 14,
  Linear: 15,
  Floor: 16,
} as const;

/** Operation codes of the addon's `binary` function (must match `native/src/elementwise.cc`). */
export const BINARY_OPS = {
  Add: 0,
  Sub: 1,
  Multiply: 2,
  RealDiv: 3,
  SquaredDifference: 4,
} as const;
