/** Nest injection tokens for the ports the gateway uses. */
export const READ_STORE = Symbol('READ_STORE');
export const BLOB_STORE = Symbol('BLOB_STORE');
export const COMMAND_GATEWAY = Symbol('COMMAND_GATEWAY');
export const INFRASTRUCTURE = Symbol('INFRASTRUCTURE');
export const LOGGER = Symbol('LOGGER');
export const SIGNED_BLOBS = Symbol('SIGNED_BLOBS');
export const REDIRECTION_READS = Symbol('REDIRECTION_READS');
export const REDIRECTION_HITS = Symbol('REDIRECTION_HITS');
