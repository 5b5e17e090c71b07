import { z } from 'zod';
import { ResourceIdPrefixes, sequentialIdsFrom, type ResourceType } from '@batchyard/contracts';

const text = (max = 1024) => z.string().trim().min(1).max(max);
const metadata = z.record(z.string(), z.unknown());

/** The body of a create, per resource (Seed B.7); unknown fields are refused, naming them. */
export const ResourceCreateSchemas = {
  contact: z.strictObject({
    name: text(256),
    nickname: text(256).optional(),
    email: z.email().optional(),
    phone: text(64).optional(),
    id_number: text(128).optional(),
    address: text().optional(),
    address_line2: text().optional(),
    alternate_names: z.array(text(256)).max(5).optional(),
    is_primary: z.boolean().optional(),
    notes: text(4096).optional(),
    external_id: text(256).optional(),
    metadata: metadata.optional(),
  }),
  group: z.strictObject({
    name: text(256),
    resource: z.enum(['contact', 'location']).optional(),
    group_contacts: z.strictObject({ children: z.array(z.string()), primary: z.array(z.string()) }).optional(),
    notes: text(4096).optional(),
    metadata: metadata.optional(),
  }),
  shipment: z.strictObject({
    tracking_number: text(128),
    provider: text(128).optional(),
    notes: text(4096).optional(),
    external_id: text(256).optional(),
    metadata: metadata.optional(),
  }),
  tracker: z.strictObject({
    tracking_number: text(128),
    provider: text(128).optional(),
    type: z.enum(['inbound', 'outbound']).optional(),
    estimated_delivery_at: z.number().int().nonnegative().optional(),
    tags: z.array(text(64)).optional(),
    metadata: metadata.optional(),
  }),
  asset: z.strictObject({
    name: text(256),
    description: text(4096).optional(),
    serial_number: text(256).optional(),
    external_id: text(256).optional(),
    metadata: metadata.optional(),
  }),
} satisfies Record<ResourceType, z.ZodObject>;

/** An update (POST to the singular URL, or a merge row with `id`) sets only the fields it names. */
export const ResourceUpdateSchemas = Object.fromEntries(Object.entries(ResourceCreateSchemas).map(([type, schema]) => [type, schema.partial()])) as unknown as {
  [T in ResourceType]: ReturnType<(typeof ResourceCreateSchemas)[T]['partial']>;
};

/** Field kinds a CSV cell is converted to before validation (every other cell stays a string); looked up by header. */
export const CsvFieldKinds: ReadonlyMap<string, 'boolean' | 'integer' | 'list'> = new Map([
  ['is_primary', 'boolean'],
  ['estimated_delivery_at', 'integer'],
  ['alternate_names', 'list'],
  ['tags', 'list'],
]);

/** Ids are `<prefix>_<24 characters>`; an id of another resource type is invalid for this one. */
export function isResourceId(resource: ResourceType, id: string): boolean {
  return new RegExp(`^${ResourceIdPrefixes[resource]}_[A-Za-z0-9]{1,64}$`).test(id);
}

export function resourceId(resource: ResourceType, suffix: string): string {
  return `${ResourceIdPrefixes[resource]}_${suffix}`;
}

/**
 * Ids of the resources a bulk job creates, by row line. They derive from (tenant, job, line), so a chunk decided
 * twice creates the same ids, and follow line order within the job, so its inserts append to the key index.
 */
export function createdResourceIds(resource: ResourceType, tenant: string, jobId: string): (line: number) => string {
  const suffixOf = sequentialIdsFrom(`${tenant}:${jobId}`);
  return (line) => resourceId(resource, suffixOf(line));
}
