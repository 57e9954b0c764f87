import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CALIBRATION_CURVES_FILE,
  readOptionalCalibrationCurves,
  writeCalibrationCurvesFile,
  type CalibrationCurvesFile,
} from './calibration-curves-file';

const curves: CalibrationCurvesFile = {
  version: 1,
  createdAt: '2026-12-05T10:00:00.000Z',
  split: { source: 'validation.jsonl', examples: 10 },
  labels: {
    frustration: {
      beta: 2,
      points: [
        { threshold: 0.25, precision: 0.5, recall: 1, positiveRate: 0.4 },
        { threshold: 0.5, precision: 0.75, recall: 0.75, positiveRate: 0.2 },
      ],
    },
  },
};

describe('calibration-curves.json', () => {
  it('round-trips through a model directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'curves-'));
    expect(writeCalibrationCurvesFile(dir, curves)).toBe(join(dir, CALIBRATION_CURVES_FILE));
    expect(readOptionalCalibrationCurves(dir, ['frustration', 'neutral'])).toEqual(curves);
  });

  it('is optional: a directory without it gives undefined', () => {
    expect(readOptionalCalibrationCurves(mkdtempSync(join(tmpdir(), 'curves-')))).toBeUndefined();
  });

  it('refuses points out of threshold order, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'curves-'));
    const points = [...curves.labels.frustration!.points].reverse();
    writeFileSync(join(dir, CALIBRATION_CURVES_FILE), JSON.stringify({ ...curves, labels: { frustration: { beta: 2, points } } }));
    expect(() => readOptionalCalibrationCurves(dir)).toThrow(/labels\.frustration\.points.*strictly increasing threshold/);
  });

  it("refuses a label the model does not have, and a rate outside [0, 1]", () => {
    const dir = mkdtempSync(join(tmpdir(), 'curves-'));
    writeCalibrationCurvesFile(dir, curves);
    expect(() => readOptionalCalibrationCurves(dir, ['neutral'])).toThrow(/"labels\.frustration": unknown label/);
    const bad = { ...curves.labels.frustration!.points[0]!, positiveRate: 1.5 };
    expect(() => writeCalibrationCurvesFile(dir, { ...curves, labels: { frustration: { beta: 2, points: [bad] } } })).toThrow(/positiveRate/);
  });
});
