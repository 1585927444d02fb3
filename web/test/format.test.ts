import { describe, expect, it } from 'vitest';
import {
  formatBaht,
  formatBahtNumber,
  formatClock,
  formatDate,
  formatDateTime,
  formatNumber,
  formatPercentFromBps,
  formatPeriod,
  formatPricePerTonne,
  formatTonnes,
  formatYear,
  parseBaht,
  parseRayongDateTime,
  parseWholeNumber,
  rayongDate,
  rayongDateTimeInput,
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

describe('money', () => {
  it('shows satang as baht with two decimals, THB in English and บาท in Thai', () => {
    expect(formatBaht(3_250_050, 'en')).toBe('32,500.50 THB');
    expect(formatBaht(3_250_050, 'th')).toBe('32,500.50 บาท');
    expect(formatBaht(0, 'en')).toBe('0.00 THB');
    expect(formatBaht(5, 'en')).toBe('0.05 THB');
    expect(formatBaht(500_000_000, 'th')).toBe('5,000,000.00 บาท');
    expect(formatBaht(-9_300_000, 'en')).toBe('-93,000.00 THB');
    expect(formatBahtNumber(1_000_000_000_000, 'en')).toBe('10,000,000,000.00');
  });

  it('shows prices per tonne', () => {
    expect(formatPricePerTonne(32_000, 'en')).toBe('320.00 THB/tCO2e');
    expect(formatPricePerTonne(31_550, 'th')).toBe('315.50 บาท/tCO2e');
  });

  it('never writes a Thai character in English, the baht sign included', () => {
    expect(formatBaht(12_345, 'en')).not.toMatch(/[\u0E00-\u0E7F]/);
    expect(formatPricePerTonne(12_345, 'en')).not.toMatch(/[\u0E00-\u0E7F]/);
  });

  it('reads baht as typed', () => {
    expect(parseBaht('320')).toBe(32_000);
    expect(parseBaht(' 320.5 ')).toBe(32_050);
    expect(parseBaht('320.50')).toBe(32_050);
    expect(parseBaht('1,250.05')).toBe(125_005);
    expect(parseBaht('0.01')).toBe(1);
    expect(parseBaht('320.505')).toBeNull();
    expect(parseBaht('-1')).toBeNull();
    expect(parseBaht('.5')).toBeNull();
    expect(parseBaht('lots')).toBeNull();
    expect(parseBaht('')).toBeNull();
  });
});

describe("Rayong's clock", () => {
  // 2026-11-23T12:18:00Z is 19:18 in Rayong.
  const ms = Date.UTC(2026, 10, 23, 12, 18);

  it('shows the time and the date in Rayong', () => {
    expect(formatClock(ms)).toBe('19:18');
    expect(rayongDate(Date.UTC(2026, 10, 23, 17, 30))).toBe('2026-11-24');
  });

  it("reads a date-time input as Rayong's time, whatever the browser's zone", () => {
    expect(parseRayongDateTime('2026-11-23T19:18')).toBe(ms);
    expect(rayongDateTimeInput(ms)).toBe('2026-11-23T19:18');
    expect(parseRayongDateTime(rayongDateTimeInput(ms))).toBe(ms);
    expect(parseRayongDateTime('2026-02-31T10:00')).toBeNull();
    expect(parseRayongDateTime('2026-11-23')).toBeNull();
    expect(parseRayongDateTime('tomorrow')).toBeNull();
  });
});
