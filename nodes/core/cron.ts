import { Cron } from 'croner';

/** The time zone a cron expression is read in when the trigger names none. */
export const DEFAULT_TIMEZONE = 'UTC';

/** Croner's field names, as its range errors spell them, with ours and their offsets. */
const FIELDS: Readonly<Record<string, { position: number; name: string; min: number; max: number; offset: number }>> = {
  minute: { position: 1, name: 'minute', min: 0, max: 59, offset: 0 },
  hour: { position: 2, name: 'hour', min: 0, max: 23, offset: 0 },
  day: { position: 3, name: 'day of month', min: 1, max: 31, offset: 1 },
  month: { position: 4, name: 'month', min: 1, max: 12, offset: 1 },
  dayOfWeek: { position: 5, name: 'day of week', min: 0, max: 7, offset: 0 },
};

/**
 * Compiles a standard 5-field cron expression (minute hour day-of-month month day-of-week, or a
 * name such as `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`) read in an IANA time zone.
 * Croner does the parsing and the DST-aware arithmetic; this wrapper only fixes the dialect (five
 * fields, OR of day-of-month and day-of-week as Vixie cron, `5/10` steps still accepted) and makes
 * its errors name the field. Throws an Error with a one-line message on a bad expression.
 */
export function compileCron(expression: string, timezone: string = DEFAULT_TIMEZONE): Cron {
  const text = expression.trim();
  const fields = text === '' ? 0 : text.split(/\s+/).length;
  if (!text.startsWith('@') && fields !== 5) {
    throw new Error(`needs 5 fields (minute hour day-of-month month day-of-week), got ${fields}`);
  }
  const zoneProblem = timezoneError(timezone);
  if (zoneProblem !== undefined) throw new Error(zoneProblem);
  let cron: Cron;
  try {
    cron = new Cron(text, { mode: '5-part', timezone, paused: true, sloppyRanges: true, domAndDow: false });
  } catch (error) {
    throw new Error(explain(error instanceof Error ? error.message : String(error)), { cause: error });
  }
  if (cron.nextRun(new Date(0)) === null) throw new Error(`"${text}" matches no date, so it never fires`);
  return cron;
}

/**
 * Checks a cron expression (see `compileCron`). Returns the first problem, naming the field, or
 * undefined when valid; the playbook validator prefixes it with `params.cron`.
 */
export function cronError(expression: string): string | undefined {
  try {
    compileCron(expression);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Checks an IANA time zone name (`Europe/Paris`, `America/New_York`, `UTC`) against the runtime's
 * time zone database, so a typo is refused when the playbook is validated, not at fire time.
 */
export function timezoneError(timezone: string): string | undefined {
  if (timezone.trim() === '') return 'is empty; name an IANA time zone such as Europe/Paris or UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return undefined;
  } catch {
    return `"${timezone}" is not an IANA time zone; use a name such as Europe/Paris, America/New_York or UTC`;
  }
}

/** Croner's message without its class prefix, with range errors told in cron's own numbering. */
function explain(message: string): string {
  const text = message.replace(/^CronPattern: /, '');
  const range = /^Invalid value for (\w+): (-?\d+)/.exec(text);
  const field = range === null ? undefined : FIELDS[range[1] as string];
  if (range === null || field === undefined) return text;
  const value = Number(range[2]) + field.offset;
  return `field ${field.position} (${field.name}): ${value} is out of range ${field.min}-${field.max}`;
}
