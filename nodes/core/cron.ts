interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 7, names: DAYS },
];

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/**
 * Checks a standard 5-field cron expression (minute hour day-of-month month day-of-week; lists,
 * ranges, steps, JAN-DEC/SUN-SAT names and @daily-style macros). Returns the first problem, naming
 * the field, or undefined when valid. Validation only: the schedule listener does the timing.
 */
export function cronError(expression: string): string | undefined {
  const text = MACROS[expression.trim().toLowerCase()] ?? expression.trim();
  const parts = text.split(/\s+/);
  if (text === '' || parts.length !== FIELDS.length) {
    return `cron needs 5 fields (minute hour day-of-month month day-of-week), got ${text === '' ? 0 : parts.length}`;
  }
  for (let i = 0; i < FIELDS.length; i++) {
    const field = FIELDS[i] as CronField;
    const problem = fieldError(parts[i] as string, field);
    if (problem !== undefined) return `cron field ${i + 1} (${field.name}): ${problem}`;
  }
  return undefined;
}

function fieldError(text: string, field: CronField): string | undefined {
  for (const item of text.split(',')) {
    const problem = itemError(item, field);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function itemError(item: string, field: CronField): string | undefined {
  const [range, step, extra] = item.split('/');
  if (range === undefined || range === '' || extra !== undefined) return `"${item}" is not a value, range or step`;
  if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `step "${step}" must be a positive integer`;
  if (range === '*') return undefined;
  const [from, to, more] = range.split('-');
  if (more !== undefined) return `"${range}" is not a range`;
  const low = valueOf(from ?? '', field);
  if (typeof low === 'string') return low;
  if (to === undefined) return undefined;
  const high = valueOf(to, field);
  if (typeof high === 'string') return high;
  return low > high ? `range ${range} runs backwards` : undefined;
}

function valueOf(text: string, field: CronField): number | string {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + (field.name === 'month' ? 1 : 0);
  if (!/^\d+$/.test(text)) return `"${text}" is not a number${field.names ? ' or a name' : ''}`;
  const value = Number(text);
  if (value < field.min || value > field.max) return `${value} is out of range ${field.min}-${field.max}`;
  return value;
}
