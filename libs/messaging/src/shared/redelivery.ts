/**
 * How long an adapter waits before delivering again a message whose handler threw: long enough that
 * a handler failing at once does not spin a core, short enough not to matter beside real backoff,
 * which the reliable wrapper adds above the port.
 */
export const REDELIVERY_DELAY_MS = 100;
