import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isPrototypeKey } from '@batchyard/client-input';
import { defineEvent } from '../event-definition';
import { evrythngIdFrom } from '../ids';
import { StreamCategory } from '../streams';
import { FileChunkSchema } from './task-input-file';
import {
  LEGACY_SHORT_ID_ALPHABET,
  SHORT_ID_VERSION,
  ShortIdTemplateSchema,
  ShortIdVersionSchema,
  shortIdTemplateProblems,
  unbiasedSymbols,
  type ShortIdVersion,
} from './short-id-template';

export * from './short-id-template';

/** The most items one FIXED_AMOUNT task may generate (documented in docs/tasks.md). */
export const MAX_TASK_QUANTITY = 1_000_000;
/** Items per ItemsGenerated event (one event per chunk, never one per item): at least the first, at most the second. */
const CHUNK_ITEMS = { min: 1_000, max: 10_000 } as const;

/**
 * A task's chunk size: about a twentieth of the task, so a small task still shows progress in steps of 5%, and a
 * large one records, claims and projects 10,000 items per transaction (every chunk commits each index's touched
 * pages once, and Thng ids and short IDs land all over those indexes: fewer, larger chunks write far less).
 * It depends on the task's quantity alone, so a chunk made again after a crash covers the same items.
 */
export function taskChunkSize(quantity: number): number {
  return Math.min(CHUNK_ITEMS.max, Math.max(CHUNK_ITEMS.min, Math.ceil(quantity / 20)));
}
export const DEFAULT_SHORT_DOMAIN = 'tn.gg';

/** The part of a ThngDocument (Seed A.8) a task's `thngTemplate` may set; every generated Thng is shaped by it. */
export const ThngTemplateSchema = z.strictObject({
  name: z.string().trim().min(1).max(256),
  type: z.string().max(256).optional(),
  description: z.string().max(4096).optional(),
  tags: z.array(z.string().max(256)).max(60).optional(),
  customFields: z.record(z.string(), z.unknown()).optional(),
  identifiers: z.record(z.string(), z.string()).optional(),
  product: z
    .string()
    .regex(/^[A-Za-z0-9]{24}$/, 'product must be a 24-character id')
    .optional(),
});
export type ThngTemplate = z.infer<typeof ThngTemplateSchema>;

/**
 * FIXED_AMOUNT input (Seed A.5). As the official CLI does, `defaultRedirectUrl`, `shortDomain` and
 * `shortIdTemplate` are required only when redirections are generated.
 */
export const FixedAmountInputSchema = z
  .strictObject({
    type: z.literal('FIXED_AMOUNT'),
    generateThngs: z.boolean(),
    generateRedirections: z.boolean(),
    defaultRedirectUrl: z.url({ protocol: /^https?$/ }).optional(),
    thngTemplate: ThngTemplateSchema,
    shortDomain: z
      .string()
      .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'shortDomain must be a domain name')
      .optional(),
    quantity: z.number().int().min(1).max(MAX_TASK_QUANTITY),
    shortIdTemplate: z.strictObject({ type: z.literal('THNG_ID') }).optional(),
  })
  .refine((p) => p.generateThngs || p.generateRedirections, { message: 'generateThngs or generateRedirections must be true', path: ['generateThngs'] })
  .refine((p) => !p.generateRedirections || p.defaultRedirectUrl, { message: 'defaultRedirectUrl is required with generateRedirections', path: ['defaultRedirectUrl'] })
  .refine((p) => !p.generateRedirections || p.shortDomain, { message: 'shortDomain is required with generateRedirections', path: ['shortDomain'] });
export type FixedAmountInput = z.infer<typeof FixedAmountInputSchema>;

export const ShortIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a short ID is 1 to 64 letters, digits, _ or -');

/** LIST_BASED input (Seed A.5): one Thng and one redirection per short ID given in the task itself. */
export const ListBasedInputSchema = z.strictObject({
  type: z.literal('LIST_BASED'),
  generateThngs: z.boolean(),
  generateRedirections: z.literal(true, 'LIST_BASED tasks always generate redirections'),
  defaultRedirectUrl: z.url({ protocol: /^https?$/ }),
  thngTemplate: ThngTemplateSchema,
  shortDomain: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'shortDomain must be a domain name'),
  inputData: z
    .array(z.strictObject({ shortId: ShortIdSchema }))
    .min(1)
    .max(MAX_TASK_QUANTITY),
  shortIdTemplate: z.strictObject({ type: z.literal('THNG_ID') }).optional(),
});

/** IDENTIFIERS_LIST_BASED input (Seed A.5): one Thng per value, with `identifiers[key] = value`; no redirections. */
export const IdentifiersListBasedInputSchema = z.strictObject({
  type: z.literal('IDENTIFIERS_LIST_BASED'),
  generateThngs: z.literal(true, 'IDENTIFIERS_LIST_BASED tasks always generate Thngs'),
  generateRedirections: z.literal(false, 'IDENTIFIERS_LIST_BASED tasks generate no redirections'),
  thngTemplate: ThngTemplateSchema,
  customIdentifier: z.strictObject({
    // The key becomes every Thng's identifier name.
    key: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'customIdentifier.key is 1 to 64 letters, digits, _, . or -')
      .refine((key) => !isPrototypeKey(key), 'customIdentifier.key cannot be __proto__, constructor or prototype'),
    values: z.array(z.string().min(1).max(256)).min(1).max(MAX_TASK_QUANTITY),
  }),
});

/**
 * FILE_BASED input (Seed A.5): one item per data row of a CSV (or of the one CSV in a ZIP) uploaded to Batchyard's
 * /files, `location` being the file's `contentUrl`; as for LIST_BASED, the CLI forces redirections. `headers` (to fetch a
 * remote file) is accepted and unused. The file's columns: docs/tasks.md.
 */
export const FileBasedInputSchema = ListBasedInputSchema.omit({ type: true, inputData: true }).extend({
  type: z.literal('FILE_BASED'),
  generateRedirections: z.literal(true, 'FILE_BASED tasks always generate redirections'),
  location: z.url({ protocol: /^https?$/, error: 'location must be the contentUrl of a file uploaded to /files' }),
  format: z.enum(['CSV', 'ZIP']),
  headers: z.record(z.string(), z.string()).optional(),
});

export const PopulatingInputSchema = z.discriminatedUnion('type', [FixedAmountInputSchema, ListBasedInputSchema, IdentifiersListBasedInputSchema, FileBasedInputSchema]);
export type PopulatingInput = z.infer<typeof PopulatingInputSchema>;

/**
 * SHORT_ID_GENERATION input (Seed A.6): `quantity` codes shaped by `shortIdTemplate`, each distinct, which the
 * template's length must be able to hold. `type` is not in the spec's document; it is accepted for clients that send it.
 */
export const ShortIdGenerationInputSchema = z
  .strictObject({
    type: z.literal('SHORT_ID_GENERATION').optional(),
    quantity: z.number().int().min(1).max(MAX_TASK_QUANTITY),
    shortIdTemplate: ShortIdTemplateSchema,
  })
  .superRefine((input, ctx) => {
    for (const problem of shortIdTemplateProblems(input.shortIdTemplate, input.quantity)) {
      ctx.addIssue({ code: 'custom', path: ['shortIdTemplate', ...problem.path], message: problem.message });
    }
  });
export type ShortIdGenerationInput = z.infer<typeof ShortIdGenerationInputSchema>;

/** How many items a task makes; a FILE_BASED task's are its file's rows, known once the worker has opened it (`opened`). */
export function taskQuantity(input: PopulatingInput | ShortIdGenerationInput, opened?: { rows: number }): number {
  switch (input.type) {
    case 'FILE_BASED':
      return opened?.rows ?? 0;
    case 'FIXED_AMOUNT':
    case 'SHORT_ID_GENERATION':
    case undefined:
      return input.quantity;
    case 'LIST_BASED':
      return input.inputData.length;
    case 'IDENTIFIERS_LIST_BASED':
      return input.customIdentifier.values.length;
  }
}

const ResultColumnSchema = z.enum(['SHORT_ID', 'THNG']);
export type ResultColumn = z.infer<typeof ResultColumnSchema>;
export const OutputParametersSchema = z.strictObject({ type: z.literal('CSV'), columns: z.array(ResultColumnSchema).min(1).optional() });

const TaskSpecBaseSchema = z.object({
  taskId: z.string(),
  batchId: z.string(),
  tags: z.array(z.string()).optional(),
  customFields: z.record(z.string(), z.unknown()).optional(),
  /** How the task generates short IDs (see ShortIdVersionSchema): the gateway queues every new task at SHORT_ID_VERSION; absent on tasks queued before. */
  shortIdVersion: ShortIdVersionSchema,
});

const PopulatingTaskSpecSchema = TaskSpecBaseSchema.extend({
  type: z.literal('POPULATING'),
  inputParameters: PopulatingInputSchema,
  outputParameters: OutputParametersSchema.optional(),
});
const ShortIdGenerationTaskSpecSchema = TaskSpecBaseSchema.extend({
  type: z.literal('SHORT_ID_GENERATION'),
  inputParameters: ShortIdGenerationInputSchema,
  /** The task's own secret key of its pseudo-random codes (base64url), chosen by the gateway; never shown. */
  shortIdKey: z.string().min(43),
});

export const TaskSpecSchema = z.discriminatedUnion('type', [PopulatingTaskSpecSchema, ShortIdGenerationTaskSpecSchema]);
export type TaskSpec = z.infer<typeof TaskSpecSchema>;

const ActorSchema = z.object({ keyId: z.string(), name: z.string(), role: z.string() });

export const TaskQueued = defineEvent({
  type: 'TaskQueued',
  version: 1,
  category: StreamCategory.task,
  description: 'An EVRYTHNG task was accepted for a batch and waits for the task worker.',
  schema: z.discriminatedUnion('type', [PopulatingTaskSpecSchema.extend({ createdBy: ActorSchema }), ShortIdGenerationTaskSpecSchema.extend({ createdBy: ActorSchema })]),
});

export const TaskStarted = defineEvent({
  type: 'TaskStarted',
  version: 1,
  category: StreamCategory.task,
  description: 'The task worker began a task; `batchId` lets the batch follow its tasks.',
  schema: z.object({ batchId: z.string() }),
});

export const TaskCancelRequested = defineEvent({
  type: 'TaskCancelRequested',
  version: 1,
  category: StreamCategory.task,
  description: 'A caller asked to cancel a pending or running task (CANCELLING); the worker ends it with TaskFailed, keeping the items made so far.',
  schema: z.object({ batchId: z.string() }),
});

/** One item of a chunk that could not get its short ID: it was already claimed on that short domain. */
export const ItemClashSchema = z.object({ index: z.number().int().nonnegative(), shortId: z.string() });

export const ItemsGenerated = defineEvent({
  type: 'ItemsGenerated',
  version: 1,
  category: StreamCategory.task,
  description:
    'One chunk of a task: items `first` .. `first + count - 1`, each expanded deterministically (ids from task, chunk and index, see `taskItem`). ' +
    'Items whose short ID clashed keep their Thng but get no redirection.',
  schema: z.object({
    batchId: z.string(),
    chunk: z.number().int().nonnegative(),
    first: z.number().int().nonnegative(),
    count: z.number().int().nonnegative(),
    thngTemplate: ThngTemplateSchema.optional(),
    redirect: z.object({ shortDomain: z.string(), url: z.string() }).optional(),
    /** The chunk's short IDs when the task gave them (LIST_BASED), in item order. */
    shortIds: z.array(z.string()).optional(),
    /** The chunk's identifier values (IDENTIFIERS_LIST_BASED), in item order. */
    identifier: z.object({ key: z.string(), values: z.array(z.string()) }).optional(),
    clashes: z.array(ItemClashSchema),
    /** How the chunk's derived short IDs are drawn (`taskItem`), its task's `shortIdVersion`; absent on chunks recorded before. */
    shortIdVersion: ShortIdVersionSchema,
    /** FILE_BASED: the cursor after the chunk's rows (a chunk of refused rows only has no items), and those refused rows. */
    file: FileChunkSchema.optional(),
  }),
});

export const TaskCompleted = defineEvent({
  type: 'TaskCompleted',
  version: 1,
  category: StreamCategory.task,
  description: 'Every item of the task was generated; EXECUTED_WITH_FAILURES when some redirections clashed.',
  schema: z.object({
    batchId: z.string(),
    status: z.enum(['EXECUTED', 'EXECUTED_WITH_FAILURES']),
    totalThngsCreated: z.number().int().nonnegative(),
    totalUrlBindingsCreated: z.number().int().nonnegative(),
    failedOperationsAmount: z.number().int().nonnegative(),
  }),
});

/** The result file: rows of the columns asked for, in item order; ZIP (holding the CSV) above a size the worker documents. */
export const ResultFileSchema = z.object({
  hash: z.string(),
  size: z.number().int().nonnegative(),
  format: z.enum(['CSV', 'ZIP']),
  rows: z.number().int().nonnegative(),
});
export type ResultFile = z.infer<typeof ResultFileSchema>;

/**
 * The columns of a task's result file, or undefined when it has none: a SHORT_ID_GENERATION task always has one (its
 * purpose, Seed A.6), a POPULATING task when its `outputParameters` ask for it (both columns unless they say).
 */
export function resultColumns(spec: TaskSpec): ResultColumn[] | undefined {
  if (spec.type === 'SHORT_ID_GENERATION') return ['SHORT_ID'];
  return spec.outputParameters && (spec.outputParameters.columns ?? ['SHORT_ID', 'THNG']);
}

export const TaskResultFileWritten = defineEvent({
  type: 'TaskResultFileWritten',
  version: 1,
  category: StreamCategory.task,
  description: "The task's result file (TaskResultDocument `location` and `format`) is in the blob store under `hash`; written after the last chunk, before the task completes.",
  schema: ResultFileSchema.extend({ batchId: z.string() }),
});

export const TaskFailed = defineEvent({
  type: 'TaskFailed',
  version: 1,
  category: StreamCategory.task,
  description: 'The task could not run to its end (for example, its batch was deleted).',
  schema: z.object({ batchId: z.string(), error: z.string() }),
});

/** The length of a short ID that `taskItem` derives. */
export const DERIVED_SHORT_ID_LENGTH = 8;

/**
 * The ids of item `index` of chunk `chunk` of a task: a 24-character Thng id and an 8-character short ID (EVRYTHNG's
 * default length), the same however often they are derived. `shortIdVersion` (the chunk's) picks the short ID's
 * draw: SHORT_ID_VERSION, 8 of EVRYTHNG's 50 symbols by rejection sampling (`unbiasedSymbols`); absent, as recorded
 * before, 8 case-sensitive alphanumerics, digest byte mod 62.
 */
export function taskItem(taskId: string, chunk: number, index: number, shortIdVersion?: ShortIdVersion): { thngId: string; shortId: string } {
  const seed = `${taskId}:${chunk}:${index}`;
  let shortId = '';
  if (shortIdVersion === SHORT_ID_VERSION) shortId = unbiasedSymbols(`short:${seed}`, DERIVED_SHORT_ID_LENGTH);
  else {
    const digest = createHash('sha256').update(`short:${seed}`).digest();
    for (let i = 0; i < DERIVED_SHORT_ID_LENGTH; i++) shortId += LEGACY_SHORT_ID_ALPHABET[digest[i] % LEGACY_SHORT_ID_ALPHABET.length];
  }
  return { thngId: evrythngIdFrom(`thng:${seed}`), shortId };
}

/** One item of a chunk as every consumer expands it: ids derived from (task, chunk, index), or given by the task. */
export interface ChunkItem {
  index: number;
  thngId: string;
  shortId: string;
  identifiers?: Record<string, string>;
}

export function* chunkItems(
  taskId: string,
  data: Pick<z.infer<typeof ItemsGenerated.schema>, 'chunk' | 'first' | 'count' | 'shortIds' | 'identifier' | 'shortIdVersion'>,
): Generator<ChunkItem> {
  for (let offset = 0; offset < data.count; offset++) {
    const index = data.first + offset;
    const derived = taskItem(taskId, data.chunk, index, data.shortIdVersion);
    yield {
      index,
      thngId: derived.thngId,
      shortId: data.shortIds?.[offset] ?? derived.shortId,
      ...(data.identifier && { identifiers: { [data.identifier.key]: data.identifier.values[offset] } }),
    };
  }
}

/** A redirection's target: `{evrythngId}` and `{shortId}` in the task's `defaultRedirectUrl` replaced, as EVRYTHNG's are. */
export function redirectTarget(url: string, thngId: string, shortId: string): string {
  return url.replaceAll('{evrythngId}', thngId).replaceAll('{shortId}', shortId);
}

/** The task id of a `task-<tenant>.<taskId>` stream (task ids hold no dot). */
export function taskIdOf(stream: string): string {
  return stream.slice(stream.lastIndexOf('.') + 1);
}
