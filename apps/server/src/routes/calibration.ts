import { readOptionalCalibrationCurves } from '@mangaassist/model-format';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { adminAuthenticatorFor } from '../admin-auth';
import type { AppContext } from '../app-context';

const pointSchema = z.object({ threshold: z.number(), precision: z.number(), recall: z.number(), positiveRate: z.number() });

const curvesSchema = z.object({
  modelId: z.string(),
  available: z.boolean().describe('false: the model directory has no calibration-curves.json (calibrated before it existed, or never)'),
  createdAt: z.string().nullable(),
  split: z.object({ source: z.string(), examples: z.number() }).nullable().describe('the split the curves were measured on'),
  labels: z.record(
    z.string(),
    z.object({ beta: z.number(), points: z.array(pointSchema).describe('by increasing threshold') }),
  ),
});

/**
 * `GET /admin/api/calibration-curves`: the curves shipped with the served model (`calibration-curves.json`, written
 * by `calibrate` and carried by `export`) — per label, precision, recall and predicted-positive rate at each
 * threshold on the calibration split, so the console can show what a threshold change will do before it is made.
 * Read once at startup; a malformed file fails startup naming the field, an absent one is reported as unavailable.
 */
export function registerCalibrationRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { service } = ctx;
  const curves = readOptionalCalibrationCurves(ctx.serving.modelDir, service.labels);
  const body: z.infer<typeof curvesSchema> = {
    modelId: service.modelId,
    available: curves !== undefined,
    createdAt: curves?.createdAt ?? null,
    split: curves?.split ?? null,
    labels: curves?.labels ?? {},
  };
  const authenticator = adminAuthenticatorFor(ctx.serving);
  ctx.docs.add({
    method: 'GET',
    path: '/admin/api/calibration-curves',
    summary: "Precision, recall and predicted-positive rate per threshold on the model's calibration split, per label (the what-if of a threshold change)",
    tag: 'admin',
    admin: true,
    responses: {
      200: { description: 'the curves, or available: false', schema: curvesSchema },
      401: 'missing or wrong admin token',
      403: 'admin API disabled, or not an operator',
      429: 'too many failed authentications from this address',
    },
  });
  app.get('/admin/api/calibration-curves', { onRequest: async (request) => void authenticator.authenticate(request) }, async () => body);
}
