/** PackageX timestamps: epoch seconds of an ISO 8601 instant. */
export const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
