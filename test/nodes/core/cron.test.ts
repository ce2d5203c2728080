import { describe, expect, it } from 'vitest';
import { cronError } from '../../../nodes/core/cron.ts';

describe('cronError', () => {
  it.each(['* * * * *', '0 8 * * MON-FRI', '*/15 0-6,22-23 1,15 JAN-jun 0', '5/10 * * * 7', '0 0 31 * *', '@hourly', '@Weekly'])(
    'accepts %s',
    (expression) => {
      expect(cronError(expression)).toBeUndefined();
    },
  );

  it.each([
    ['', 'cron needs 5 fields (minute hour day-of-month month day-of-week), got 0'],
    ['* * * *', 'cron needs 5 fields (minute hour day-of-month month day-of-week), got 4'],
    ['60 * * * *', 'cron field 1 (minute): 60 is out of range 0-59'],
    ['* * 0 * *', 'cron field 3 (day of month): 0 is out of range 1-31'],
    ['* * * 13 *', 'cron field 4 (month): 13 is out of range 1-12'],
    ['* * * * 8', 'cron field 5 (day of week): 8 is out of range 0-7'],
    ['*/0 * * * *', 'cron field 1 (minute): step "0" must be a positive integer'],
    ['10-5 * * * *', 'cron field 1 (minute): range 10-5 runs backwards'],
    ['* * * FOO *', 'cron field 4 (month): "FOO" is not a number or a name'],
    ['1,,2 * * * *', 'cron field 1 (minute): "" is not a value, range or step'],
    ['? * * * *', 'cron field 1 (minute): "?" is not a number'],
  ])('refuses %j', (expression, message) => {
    expect(cronError(expression)).toBe(message);
  });
});
