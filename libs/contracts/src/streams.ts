/**
 * Stream names are `<category>-<tenant>.<id>`: the category (before the first dash) is what
 * EventStoreDB's `$by_category` and the relay's topic routing read; the tenant scopes every stream.
 */
export const StreamCategory = {
  tenant: 'tenant',
  batch: 'batch',
  resource: 'resource',
  bulkjob: 'bulkjob',
  unit: 'unit',
  reservation: 'reservation',
  task: 'task',
  file: 'file',
  redirection: 'redirection',
} as const;
export type StreamCategory = (typeof StreamCategory)[keyof typeof StreamCategory];

export function streamName(category: StreamCategory, tenant: string, id: string): string {
  return `${category}-${tenant}.${id}`;
}

export function categoryOf(stream: string): string {
  const dash = stream.indexOf('-');
  return dash < 0 ? stream : stream.slice(0, dash);
}
