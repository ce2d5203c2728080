import { describe, expect, it } from 'vitest';
import { compileCron, cronError, timezoneError } from '../../../nodes/core/cron.ts';

describe('cronError', () => {
  it.each(['* * * * *', '0 8 * * MON-FRI', '*/15 0-6,22-23 1,15 JAN-jun 0', '5/10 * * * 7', '0 0 31 * *', '@hourly', '@Weekly', '@yearly', '@annually', '@monthly', '@daily'])(
    'accepts %s',
    (expression) => {
      expect(cronError(expression)).toBeUndefined();
    },
  );

  it.each([
    ['', 'needs 5 fields (minute hour day-of-month month day-of-week), got 0'],
    ['* * * *', 'needs 5 fields (minute hour day-of-month month day-of-week), got 4'],
    ['0 0 * * * *', 'needs 5 fields (minute hour day-of-month month day-of-week), got 6'],
    ['60 * * * *', 'field 1 (minute): 60 is out of range 0-59'],
    ['0 24 * * *', 'field 2 (hour): 24 is out of range 0-23'],
    ['* * 0 * *', 'field 3 (day of month): 0 is out of range 1-31'],
    ['* * * 13 *', 'field 4 (month): 13 is out of range 1-12'],
    ['* * * * 8', 'field 5 (day of week): 8 is out of range 0-7'],
    ['*/0 * * * *', 'Syntax error, illegal stepping: 0'],
    ['10-5 * * * *', "From value is larger than to value: '10-5'"],
    ['* * * FOO *', 'configuration entry 4 (FOO) contains illegal characters.'],
    ['1,,2 * * * *', 'configuration entry minute () is empty, check for trailing spaces.'],
    ['0 0 31 4 *', '"0 0 31 4 *" matches no date, so it never fires'],
  ])('refuses %j', (expression, message) => {
    expect(cronError(expression)).toBe(message);
  });
});

describe('compileCron', () => {
  it('reads the expression in the given time zone (9:00 in Paris is 8:00 UTC in winter)', () => {
    const cron = compileCron('0 9 * * *', 'Europe/Paris');
    expect(cron.nextRun(new Date('2026-01-10T00:00:00Z'))?.toISOString()).toBe('2026-01-10T08:00:00.000Z');
  });

  it('refuses a time zone that is not an IANA name', () => {
    expect(() => compileCron('0 9 * * *', 'Mars/Olympus')).toThrow(
      '"Mars/Olympus" is not an IANA time zone; use a name such as Europe/Paris, America/New_York or UTC',
    );
  });
});

describe('timezoneError', () => {
  it.each(['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata'])('accepts %s', (name) => {
    expect(timezoneError(name)).toBeUndefined();
  });

  it('names what is wrong', () => {
    expect(timezoneError('')).toBe('is empty; name an IANA time zone such as Europe/Paris or UTC');
    expect(timezoneError('Paris')).toBe('"Paris" is not an IANA time zone; use a name such as Europe/Paris, America/New_York or UTC');
  });
});
