import type { PhaseName } from '@batchyard/contracts';
import type { BulkJobDoc } from '@batchyard/read-models';

/** The signed URLs a GET may ask for (PX-RET `include_*`), filled by the controller; null otherwise. */
export interface BulkJobUrls {
  _upload_url: string | null;
  _upload_csv_url: string | null;
  _upload_json_url: string | null;
  _errors_csv_url: string | null;
  _errors_json_url: string | null;
  _result_json_url: string | null;
  _result_csv_url: string | null;
  _unprocessed_csv_url: string | null;
  _unprocessed_json_url: string | null;
}

export const NO_URLS: BulkJobUrls = {
  _upload_url: null,
  _upload_csv_url: null,
  _upload_json_url: null,
  _errors_csv_url: null,
  _errors_json_url: null,
  _result_json_url: null,
  _result_csv_url: null,
  _unprocessed_csv_url: null,
  _unprocessed_json_url: null,
};

/** A job's phases, in order; cleanup only for overwrite. */
function phasesOf(doc: BulkJobDoc): PhaseName[] {
  return doc.action === 'overwrite' ? ['parsing', 'validation', 'processing', 'cleanup'] : ['parsing', 'validation', 'processing'];
}

/** Mixed runs parsing and validation before answering, sync runs everything, async nothing (PX-OV). */
function phaseMode(doc: BulkJobDoc, phase: PhaseName): 'sync' | 'async' {
  if (doc.mode === 'sync') return 'sync';
  return doc.mode === 'mixed' && (phase === 'parsing' || phase === 'validation') ? 'sync' : 'async';
}

/** A bulk job as PackageX's batch object (PX-MOD), with `ignored`, `rejected`, `unprocessed` added to `stats`. */
export function bulkJobDocument(doc: BulkJobDoc, urls: BulkJobUrls = NO_URLS) {
  return {
    object: 'batch',
    id: doc.jobId,
    organization_id: doc.tenant,
    resource: doc.resource,
    mode: doc.mode,
    via: doc.via,
    action: doc.action,
    status: doc.status,
    duplicate_handling: doc.duplicateHandling,
    reason: doc.reason,
    retry_of: doc.retryOf ?? null,
    phases: phasesOf(doc).map((name) => ({
      name,
      mode: phaseMode(doc, name),
      ...(doc.phases[name] ?? { total: 0, processed: 0, success: 0, error: 0 }),
    })),
    stats: doc.stats,
    has_upload_file: Boolean(doc.saveUpload && doc.upload),
    has_errors_file: Boolean(doc.files.errorsJson),
    checksum: doc.upload?.hash ?? null,
    created_at: doc.createdAt,
    updated_at: doc.updatedAt,
    updated_by: doc.updatedBy,
    ...urls,
  };
}
