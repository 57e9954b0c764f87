// Public API of @mangaassist/model-format: the saved-model format (config.json, tokenizer files, thresholds.json,
// calibration-curves.json, safetensors, tensor names), owned here once and free of TensorFlow.js and database drivers, so that every package
// that reads or writes a model directory (training, export, serving, thresholds) can depend on it.
export * from './calibration-curves-file';
export * from './classifier-config';
export * from './distilbert-config';
export * from './distilbert-tensors';
export * from './json-file';
export * from './model-dir';
export * from './model-id';
export * from './random-classifier-dir';
export * from './safetensors';
export * from './thresholds-file';
export * from './tokenizer-json';
export * from './wordpiece-tokenizer';
