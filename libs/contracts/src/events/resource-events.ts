import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { StreamCategory } from '../streams';

/** The PackageX resources bulk jobs write (Seed B.7), and the prefix of each one's ids. */
export const ResourceTypes = ['contact', 'group', 'shipment', 'tracker', 'asset'] as const;
export const ResourceTypeSchema = z.enum(ResourceTypes);
export type ResourceType = z.infer<typeof ResourceTypeSchema>;

export const ResourceIdPrefixes: Record<ResourceType, string> = {
  contact: 'contact',
  group: 'grp',
  shipment: 'shp',
  tracker: 'track',
  asset: 'asset',
};

/**
 * A resource's fields as the API took them (validated there); snake_case, PackageX's own names. Any object: a
 * loose object checks as much as a record of unknowns and parses a bulk chunk's 2,000 rows in half the time.
 */
export const ResourceFieldsSchema = z.looseObject({});

export const ResourceCreated = defineEvent({
  type: 'ResourceCreated',
  version: 1,
  category: StreamCategory.resource,
  description: 'One resource was created through its own endpoint (bulk jobs record chunks instead).',
  schema: z.object({ resource: ResourceTypeSchema, id: z.string(), fields: ResourceFieldsSchema }),
});

export const ResourceUpdated = defineEvent({
  type: 'ResourceUpdated',
  version: 1,
  category: StreamCategory.resource,
  description: 'Fields of one resource were set (a merge: fields not named keep their values).',
  schema: z.object({ resource: ResourceTypeSchema, id: z.string(), fields: ResourceFieldsSchema }),
});

export const ResourceDeleted = defineEvent({
  type: 'ResourceDeleted',
  version: 1,
  category: StreamCategory.resource,
  description: 'One resource was deleted through its own endpoint.',
  schema: z.object({ resource: ResourceTypeSchema, id: z.string() }),
});
