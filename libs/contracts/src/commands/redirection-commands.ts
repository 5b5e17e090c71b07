import { z } from 'zod';
import { RedirectionFieldsSchema } from '../events/redirection-events';
import { evrythngIdFrom } from '../ids';
import { StreamCategory } from '../streams';
import { defineCommand } from './command-definitions';

/**
 * The aggregate id of a redirection: derived from its short domain and short ID, so the one of a task-made
 * redirection is known without a lookup, and every short URL has one stream per tenant.
 */
export const redirectionIdOf = (shortDomain: string, shortId: string): string => evrythngIdFrom(`redirection:${shortDomain.toLowerCase()}/${shortId}`);

/** Aggregate id: `redirectionIdOf(shortDomain, shortId)`. */
export const CreateRedirection = defineCommand({ type: 'CreateRedirection', category: StreamCategory.redirection, schema: RedirectionFieldsSchema.omit({ taskId: true }) });
/**
 * The whole redirection after the change. `taskMade`: the gateway read it in the task-made redirections of this
 * tenant, so a stream with no event yet stands for an existing redirection.
 */
export const UpdateRedirection = defineCommand({
  type: 'UpdateRedirection',
  category: StreamCategory.redirection,
  schema: RedirectionFieldsSchema.extend({ taskMade: z.boolean().optional() }),
});
export const DeleteRedirection = defineCommand({
  type: 'DeleteRedirection',
  category: StreamCategory.redirection,
  schema: z.object({ redirectionId: z.string(), shortDomain: z.string(), shortId: z.string(), taskId: z.string().optional(), taskMade: z.boolean().optional() }),
});

export const redirectionCommands = [CreateRedirection, UpdateRedirection, DeleteRedirection] as const;
