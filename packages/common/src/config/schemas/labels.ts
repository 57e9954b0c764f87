import { z } from 'zod';

/** The six MangaAssist labels, in the order the classifier outputs them. */
export const DEFAULT_LABELS = ['frustration', 'satisfaction', 'urgency', 'confusion', 'churn_risk', 'neutral'] as const;

/** A label name: lower snake case. */
export const labelNameSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, 'label names are lower snake case');

/** A non-empty list of distinct label names. */
export const labelListSchema = z
  .array(labelNameSchema)
  .min(1)
  .refine((labels) => new Set(labels).size === labels.length, 'labels must be distinct');

/** A plugin selection in configuration: `{ id, options }`; options are validated by the plugin's own schema. */
export const pluginSelectionSchema = (defaultId: string) =>
  z
    .object({
      id: z.string().min(1).default(defaultId),
      options: z.record(z.string(), z.unknown()).default({}),
    })
    .strict();

/** Parsed form of {@link pluginSelectionSchema}. */
export type PluginSelection = z.infer<ReturnType<typeof pluginSelectionSchema>>;
