/**
 * One way to say what is wrong, everywhere in strata:
 *   '<field>' (<value>) must be <accepted>; <fix>
 * The construct path (or file:line) is prefixed by whoever reports it.
 */
export function problem(field: string, value: unknown, accepted: string, fix?: string): string {
  return `'${field}' (${showValue(value)}) must be ${accepted}${fix ? `; ${fix}` : ''}`;
}

/** A value as it appears in a message: strings quoted, missing values named. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'not set';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value) || (value && typeof value === 'object')) return JSON.stringify(value);
  return String(value);
}
