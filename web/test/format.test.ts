import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDateTime,
  formatNumber,
  formatPercentFromBps,
  formatPeriod,
  formatTonnes,
  formatYear,
  parseWholeNumber,
  shortHash,
} from '../src/lib/format';

describe('numbers', () => {
  it('group thousands in both languages', () => {
    expect(formatNumber(2532, 'en')).toBe('2,532');
    expect(formatNumber(2532, 'th')).toBe('2,532');
    expect(formatNumber(1_234_567, 'th')).toBe('1,234,567');
    expect(formatNumber(0, 'en')).toBe('0');
    expect(formatNumber(12.5, 'en')).toBe('12.5');
  });

  it('show tonnes as tCO2e', () => {
    expect(formatTonnes(4700, 'en')).toBe('4,700 tCO2e');
    expect(formatTonnes(4700, 'th')).toBe('4,700 tCO2e');
    expect(formatPercentFromBps(1500, 'en')).toBe('15%');
    expect(formatPercentFromBps(1250, 'th')).toBe('12.5%');
  });

  it('read what people type', () => {
    expect(parseWholeNumber(' 1,200 ')).toBe(1200);
    expect(parseWholeNumber('1 200')).toBe(1200);
    expect(parseWholeNumber('12.5')).toBeNull();
    expect(parseWholeNumber('-3')).toBeNull();
    expect(parseWholeNumber('')).toBeNull();
    expect(parseWholeNumber('abc')).toBeNull();
  });
});

describe('dates', () => {
  it('count years in the Buddhist era or the Gregorian calendar', () => {
    expect(formatDate('2025-12-31', 'th', 'be')).toBe('31 ธ.ค. 2568');
    expect(formatDate('2025-12-31', 'th', 'ce')).toBe('31 ธ.ค. ค.ศ. 2025');
    expect(formatDate('2025-01-05', 'en', 'ce')).toBe('5 Jan 2025');
    expect(formatDate('2025-01-05', 'en', 'be')).toBe('5 Jan 2568 BE');
  });

  it('name the era of a year alone', () => {
    expect(formatYear(2025, 'th', 'be')).toBe('พ.ศ. 2568');
    expect(formatYear(2025, 'th', 'ce')).toBe('ค.ศ. 2025');
    expect(formatYear(2025, 'en', 'ce')).toBe('2025');
    expect(formatYear(2025, 'en', 'be')).toBe('2568 BE');
  });

  it("show moments in Rayong's time, UTC+7", () => {
    // 2025-12-31T17:30:00Z is 00:30 on 1 January 2026 in Rayong.
    const ms = Date.UTC(2025, 11, 31, 17, 30);
    expect(formatDateTime(ms, 'en', 'ce')).toBe('1 Jan 2026, 00:30');
    expect(formatDateTime(ms, 'th', 'be')).toBe('1 ม.ค. 2569 00:30 น.');
  });

  it('join periods and leave odd input alone', () => {
    expect(formatPeriod('2025-01-01', '2025-12-31', 'en', 'ce')).toBe('1 Jan 2025 – 31 Dec 2025');
    expect(formatDate('soon', 'en', 'ce')).toBe('soon');
  });
});

describe('hashes for display', () => {
  it('are cut with an ellipsis', () => {
    expect(shortHash('abcdef0123456789', 6)).toBe('abcdef…');
    expect(shortHash('abc', 6)).toBe('abc');
  });
});
