/** Message and stack of anything thrown; Nest's default exception filter turns errors into `{ status, message }`. */
export function describeError(error: unknown): { text: string; stack?: string } {
  if (error instanceof Error) return { text: error.message || error.name, stack: error.stack };
  if (typeof error === 'object' && error !== null && 'message' in error) return { text: String(error.message) };
  return { text: String(error) };
}
