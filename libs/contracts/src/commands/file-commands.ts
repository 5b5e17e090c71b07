import { z } from 'zod';
import { FileContentSchema, FileFieldsSchema } from '../events/file-events';
import { StreamCategory } from '../streams';
import { defineCommand } from './command-definitions';

/** Aggregate id of the file commands: the file's id. */
export const CreateFile = defineCommand({ type: 'CreateFile', category: StreamCategory.file, schema: FileFieldsSchema.extend({ fileId: z.string() }) });
export const RecordFileUpload = defineCommand({ type: 'RecordFileUpload', category: StreamCategory.file, schema: FileContentSchema.extend({ fileId: z.string() }) });
export const DeleteFile = defineCommand({ type: 'DeleteFile', category: StreamCategory.file, schema: z.object({ fileId: z.string() }) });

export const fileCommands = [CreateFile, RecordFileUpload, DeleteFile] as const;
