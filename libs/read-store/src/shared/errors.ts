/** A collection, index or field name that the read store refuses (it would end up inside SQL text). */
export class InvalidNameError extends Error {
  constructor(kind: string, value: string) {
    super(`invalid ${kind}: ${JSON.stringify(value)}`);
    this.name = 'InvalidNameError';
  }
}

/** A filter, sort, page or patch that does not follow the port's rules. */
export class InvalidQueryError extends Error {
  constructor(message: string) {
    super(`invalid query: ${message}`);
    this.name = 'InvalidQueryError';
  }
}
