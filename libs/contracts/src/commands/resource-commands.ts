import { z } from 'zod';
import { ResourceFieldsSchema, ResourceTypeSchema } from '../events/resource-events';
import { StreamCategory } from '../streams';
import { defineCommand } from './command-definitions';

export const CreateResource = defineCommand({
  type: 'CreateResource',
  category: StreamCategory.resource,
  schema: z.object({ resource: ResourceTypeSchema, id: z.string(), fields: ResourceFieldsSchema }),
});

export const UpdateResource = defineCommand({
  type: 'UpdateResource',
  category: StreamCategory.resource,
  schema: z.object({ resource: ResourceTypeSchema, id: z.string(), fields: ResourceFieldsSchema }),
});

export const DeleteResource = defineCommand({
  type: 'DeleteResource',
  category: StreamCategory.resource,
  schema: z.object({ resource: ResourceTypeSchema, id: z.string() }),
});
