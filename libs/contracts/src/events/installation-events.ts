import { z } from 'zod';
import { defineEvent } from '../event-definition';

/** Not an aggregate's category: no commands go to it, and its one stream is the event store's own. */
export const INSTALLATION_CATEGORY = 'installation';

/**
 * The stream that names the event store: one `InstallationCreated`, appended with expected revision `no_stream` by
 * the first process that starts on the store, so that a race between two first starts ends with one identity.
 * A plain stream (no `$`), so every adapter keeps it through the port as any other.
 */
export const INSTALLATION_STREAM = `${INSTALLATION_CATEGORY}-_shared.identity`;

export const InstallationCreated = defineEvent({
  type: 'InstallationCreated',
  version: 1,
  category: INSTALLATION_CATEGORY,
  description:
    'The first Batchyard process to use this event store named it. Read stores keep this id beside their checkpoints, and a process refuses to start on a read store built from another event store.',
  schema: z.object({ installationId: z.uuid() }),
});
