//! Reading CSV files a person exported from a spreadsheet: the shared header
//! and row handling, and the factory activity file
//! (`month,activity,quantity,unit[,note]`). All or nothing: a file with any
//! bad line is refused whole, with every bad line named.

use crate::catalogue::Catalogue;
use crate::error::{DataErrors, LineError, Problem};
use crate::fixed::{Micro, Month};
use serde::Serialize;

/// The most data rows one file may hold; a bound far above a factory's year
/// of monthly meter readings that keeps a request's memory bounded.
pub const LINES_MAX: usize = 1_000_000;
/// The largest quantity on one activity line, in its own unit. It keeps every
/// product of quantity, conversion, factor and GWP inside 128 bits.
pub const QUANTITY_MAX: i64 = 1_000_000_000;
/// The longest note kept beside a line.
pub const NOTE_CHARS_MAX: usize = 500;

/// A CSV row with its line number, fields looked up by header name.
pub(crate) struct Row<'a> {
    pub line: u64,
    record: &'a csv::StringRecord,
    columns: &'a [(&'static str, Option<usize>)],
}

impl Row<'_> {
    /// The trimmed field of `column`, empty if the column is optional and absent.
    pub fn get(&self, column: &'static str) -> &str {
        let position = self.columns.iter().find(|(name, _)| *name == column).and_then(|(_, p)| *p);
        position.and_then(|p| self.record.get(p)).unwrap_or("").trim()
    }
}

/// Line numbers from the byte offsets the CSV reader reports. The reader's
/// own line numbers skip blank lines and count CRLF endings wrongly, and a
/// person needs the line their editor shows.
struct LineCounter<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
}

impl LineCounter<'_> {
    /// The line a record starting at `byte` is on. Records come in order, so
    /// counting resumes where the last one stopped.
    fn line_of(&mut self, position: Option<&csv::Position>) -> u64 {
        let Some(position) = position else { return self.line };
        let mut start = usize::try_from(position.byte()).unwrap_or(usize::MAX).min(self.bytes.len()).max(self.at);
        // The reported offset can be the end of the previous line or a skipped blank line.
        while start < self.bytes.len() && matches!(self.bytes[start], b'\n' | b'\r') {
            start += 1;
        }
        self.line += self.bytes[self.at..start].iter().filter(|&&b| b == b'\n').count() as u64;
        self.at = start;
        self.line
    }
}

/// Reads every row of `text`, whose header must hold each of `required` and
/// may hold any of `optional`, and hands each to `row`, which pushes what is
/// wrong with it into the error list. Returns what `row` produced only if no
/// line had a problem.
pub(crate) fn read_rows<T>(
    text: &str,
    required: &[&'static str],
    optional: &[&'static str],
    mut row: impl FnMut(&Row<'_>, &mut Vec<LineError>) -> Option<T>,
) -> Result<Vec<T>, DataErrors> {
    // Spreadsheets save Thai CSV as UTF-8 with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = LineCounter { bytes: text.as_bytes(), at: 0, line: 1 };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        _ => {
            return Err(DataErrors::one(LineError::new(
                1,
                None,
                Problem::Empty,
                "the file is empty; it needs a header line",
            )))
        }
    };
    let columns = header_columns(lines.line_of(header.position()), &header, required, optional)?;
    let (mut found, mut errors, mut rows) = (Vec::new(), Vec::new(), 0usize);
    for next in records {
        let line = match &next {
            Ok(record) => lines.line_of(record.position()),
            Err(e) => lines.line_of(e.position()),
        };
        rows += 1;
        if rows > LINES_MAX {
            let message = format!("the file has more than {LINES_MAX} data lines; split it");
            return Err(DataErrors::one(LineError::new(line, None, Problem::TooManyLines, message)));
        }
        let record = match next {
            Ok(record) => record,
            Err(e) => {
                errors.push(LineError::new(line, None, Problem::Malformed, format!("the line cannot be read: {e}")));
                continue;
            }
        };
        if record.len() != header.len() {
            let message = format!("the line has {} fields; the header has {}", record.len(), header.len());
            errors.push(LineError::new(line, None, Problem::Malformed, message));
            continue;
        }
        if let Some(value) = row(&Row { line, record: &record, columns: &columns }, &mut errors) {
            found.push(value);
        }
    }
    if rows == 0 {
        return Err(DataErrors::one(LineError::new(
            1,
            None,
            Problem::Empty,
            "the file has a header but no data lines",
        )));
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(DataErrors { errors })
    }
}

fn header_columns(
    line: u64,
    header: &csv::StringRecord,
    required: &[&'static str],
    optional: &[&'static str],
) -> Result<Vec<(&'static str, Option<usize>)>, DataErrors> {
    let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let mut errors = Vec::new();
    let mut columns = Vec::new();
    for &column in required.iter().chain(optional) {
        let positions: Vec<usize> = names.iter().enumerate().filter(|(_, n)| *n == column).map(|(i, _)| i).collect();
        match positions.as_slice() {
            [] if required.contains(&column) => {
                let message = format!("the header has no '{column}' column; it needs {}", required.join(","));
                errors.push(LineError::new(line, None, Problem::Header, message));
            }
            [_, _, ..] => {
                errors.push(LineError::new(line, None, Problem::Header, format!("the header names '{column}' twice")))
            }
            _ => {}
        }
        columns.push((column, positions.first().copied()));
    }
    for name in names.iter().filter(|n| !required.iter().chain(optional).any(|c| c == n)) {
        let known = required.iter().chain(optional).copied().collect::<Vec<_>>().join(", ");
        let message = format!("the header has an unknown column '{name}'; the columns are {known}");
        errors.push(LineError::new(line, None, Problem::Header, message));
    }
    if errors.is_empty() {
        Ok(columns)
    } else {
        Err(DataErrors { errors })
    }
}

/// A number in `column`, checked to lie in `min..=max` (in its own unit), or
/// the error pushed and `None`.
pub(crate) fn number(
    row: &Row<'_>,
    column: &'static str,
    min: Micro,
    max: Micro,
    errors: &mut Vec<LineError>,
) -> Option<Micro> {
    let text = row.get(column);
    if text.is_empty() {
        errors.push(LineError::new(row.line, Some(column), Problem::NotANumber, format!("{column} is empty")));
        return None;
    }
    match Micro::parse(text) {
        Err(why) => errors.push(LineError::new(row.line, Some(column), Problem::NotANumber, why)),
        Ok(value) if value < min || value > max => {
            let message = if value.is_negative() && min >= Micro::ZERO {
                format!("{column} {value} is negative")
            } else {
                format!("{column} {value} is outside {min}..={max}")
            };
            errors.push(LineError::new(row.line, Some(column), Problem::OutOfRange, message));
        }
        Ok(value) => return Some(value),
    }
    None
}

/// One month of one activity, as read from a file or given by an API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ActivityLine {
    /// The file's line number (1 is the header), or the position in a list.
    pub line: u64,
    pub month: Month,
    /// The activity's id (`diesel`) or any of its names.
    pub activity: String,
    pub quantity: Micro,
    /// The unit's id (`L`) or any of its names.
    pub unit: String,
    pub note: Option<String>,
}

/// Reads a factory activity file. Activities and units may be written in Thai
/// or English; they come back as their ids. Every bad line is named, with its
/// column and why, and then nothing is returned.
pub fn import_activities(text: &str, catalogue: &Catalogue) -> Result<Vec<ActivityLine>, DataErrors> {
    read_rows(text, &["month", "activity", "quantity", "unit"], &["note"], |row, errors| {
        let before = errors.len();
        let month = Month::parse(row.get("month"))
            .map_err(|why| errors.push(LineError::new(row.line, Some("month"), Problem::BadMonth, why)))
            .ok();
        let quantity = number(row, "quantity", Micro::ZERO, Micro::from_int(QUANTITY_MAX), errors);
        let (activity, unit) = activity_and_unit(catalogue, row.line, row.get("activity"), row.get("unit"), errors);
        let note = row.get("note");
        if note.chars().count() > NOTE_CHARS_MAX {
            let message = format!("the note is longer than {NOTE_CHARS_MAX} characters");
            errors.push(LineError::new(row.line, Some("note"), Problem::OutOfRange, message));
        }
        if errors.len() > before {
            return None;
        }
        Some(ActivityLine {
            line: row.line,
            month: month?,
            activity: activity?.to_string(),
            quantity: quantity?,
            unit: unit?.to_string(),
            note: (!note.is_empty()).then(|| note.to_string()),
        })
    })
}

/// Resolves an activity and a unit by name and checks the unit measures the
/// activity (diesel in litres, not kWh), returning their ids.
pub(crate) fn activity_and_unit<'c>(
    catalogue: &'c Catalogue,
    line: u64,
    activity_name: &str,
    unit_name: &str,
    errors: &mut Vec<LineError>,
) -> (Option<&'c str>, Option<&'c str>) {
    let activity = catalogue.activity(activity_name);
    if activity.is_none() {
        let known: Vec<&str> = catalogue.activities().iter().map(|a| a.activity.as_str()).collect();
        let message = format!("unknown activity '{activity_name}'; known: {}", known.join(", "));
        errors.push(LineError::new(line, Some("activity"), Problem::UnknownActivity, message));
    }
    let unit = catalogue.unit(unit_name);
    if unit.is_none() {
        let known: Vec<&str> = catalogue.units().iter().map(|u| u.unit.as_str()).collect();
        let message = format!("unknown unit '{unit_name}'; known: {}", known.join(", "));
        errors.push(LineError::new(line, Some("unit"), Problem::UnknownUnit, message));
    }
    if let (Some(a), Some(u)) = (activity, unit) {
        if a.dimension != u.dimension {
            let fitting: Vec<&str> =
                catalogue.units().iter().filter(|x| x.dimension == a.dimension).map(|x| x.unit.as_str()).collect();
            let message = format!(
                "{} is measured in {} ({}); '{unit_name}' is a unit of {}",
                a.activity,
                a.dimension,
                fitting.join(", "),
                u.dimension
            );
            errors.push(LineError::new(line, Some("unit"), Problem::WrongUnit, message));
            return (Some(&a.activity), None);
        }
    }
    (activity.map(|a| a.activity.as_str()), unit.map(|u| u.unit.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import(text: &str) -> Result<Vec<ActivityLine>, DataErrors> {
        import_activities(text, Catalogue::embedded())
    }

    #[test]
    fn a_good_file_in_thai_and_english_imports() {
        let text = "\u{feff}month,activity,quantity,unit,note\n\
                    2025-01,ไฟฟ้า,120000,กิโลวัตต์ชั่วโมง,มิเตอร์หลัก\n\
                    2025-01,ดีเซล,2500.5,ลิตร,\n\
                    2025-02,Natural gas,1000,GJ,\"boiler 1, boiler 2\"\n\
                    2025-02,R-410A,3.2,กิโลกรัม,\n";
        let lines = import(text).unwrap();
        assert_eq!(lines.len(), 4);
        assert_eq!((lines[0].line, lines[0].activity.as_str(), lines[0].unit.as_str()), (2, "electricity", "kWh"));
        assert_eq!(lines[0].note.as_deref(), Some("มิเตอร์หลัก"));
        assert_eq!((lines[1].activity.as_str(), lines[1].unit.as_str()), ("diesel", "L"));
        assert_eq!(lines[1].quantity, Micro::parse("2500.5").unwrap());
        assert_eq!(lines[2].note.as_deref(), Some("boiler 1, boiler 2"));
        assert_eq!(lines[3].activity, "r_410a");
    }

    #[test]
    fn every_bad_line_is_named_with_its_column() {
        let text = "month,activity,quantity,unit\n\
                    2025-01,diesel,100,L\n\
                    2025-13,diesel,100,L\n\
                    2025-02,diesel,100,kWh\n\
                    2025-02,kerosene,abc,L\n\
                    2025-03,electricity,-5,kWh\n\
                    2025-03,electricity,5\n";
        let errors = import(text).unwrap_err();
        let found: Vec<(u64, Option<&str>, Problem)> =
            errors.errors.iter().map(|e| (e.line, e.column, e.problem)).collect();
        assert_eq!(
            found,
            [
                (3, Some("month"), Problem::BadMonth),
                (4, Some("unit"), Problem::WrongUnit),
                (5, Some("quantity"), Problem::NotANumber),
                (5, Some("activity"), Problem::UnknownActivity),
                (6, Some("quantity"), Problem::OutOfRange),
                (7, None, Problem::Malformed),
            ]
        );
        assert!(errors.errors[1].message.contains("diesel is measured in volume (L, kL)"), "{}", errors.errors[1]);
        assert!(errors.errors[4].message.contains("negative"));
    }

    #[test]
    fn headers_and_empty_files_are_refused() {
        let cases = [
            ("", Problem::Empty),
            ("month,activity,quantity,unit\n", Problem::Empty),
            ("month,activity,amount,unit\n2025-01,diesel,1,L\n", Problem::Header),
            ("month,activity,quantity,unit,colour\n2025-01,diesel,1,L,red\n", Problem::Header),
            ("month,month,activity,quantity,unit\n", Problem::Header),
        ];
        for (text, problem) in cases {
            let errors = import(text).unwrap_err();
            assert!(errors.errors.iter().all(|e| e.problem == problem && e.line == 1), "{text:?}: {errors}");
        }
    }

    #[test]
    fn columns_may_come_in_any_order_and_blank_lines_are_skipped() {
        let text = "unit,quantity,activity,month\nL,10,diesel,2025-01\n\nkWh,5,electricity,2025-02\n";
        let lines = import(text).unwrap();
        assert_eq!(lines.iter().map(|l| l.line).collect::<Vec<_>>(), [2, 4]);
        // Windows line endings, blank lines and a quoted note over two lines: lines as an editor numbers them.
        let text = "month,activity,quantity,unit,note\r\n2025-01,diesel,1,L,\"two\r\nlines\"\r\n\r\n\r\n2025-02,diesel,x,L,\r\n";
        let errors = import(text).unwrap_err();
        assert_eq!(errors.lines().into_iter().collect::<Vec<_>>(), [6]);
    }

    #[test]
    fn a_hundred_thousand_lines_import_and_compute() {
        let mut text = String::from("month,activity,quantity,unit\n");
        for i in 0..100_000 {
            text.push_str(&format!("2025-{:02},diesel,{}.25,L\n", i % 12 + 1, i % 1000));
        }
        let lines = import(&text).unwrap();
        assert_eq!(lines.len(), 100_000);
        let options = crate::InventoryOptions {
            year: 2025,
            gwp_set: crate::GwpSet::Ar6,
            combustion: crate::CombustionMethod::TgoCombined,
        };
        let inventory = crate::Inventory::compute(Catalogue::embedded(), options, &lines).unwrap();
        // By hand: Σ quantity = 100 × (0 + 1 + ... + 999) + 100,000 × 0.25 = 49,975,000 L;
        // × 2,707.8 g/L = 135,322,305,000 g. Each line is rounded to the gram on its own:
        // (q + 0.25) × 2,707.8 ends in .95, .75, .55, .35, .15 as q runs through 5 values,
        // rounding by +0.05 +0.25 +0.45 −0.35 −0.15 = +0.25 per 5 lines, +5,000 g in all.
        assert_eq!(inventory.total().grams(), 135_322_305_000 + 5_000);
    }

    #[test]
    fn a_file_over_the_line_cap_is_refused_at_once() {
        let mut text = String::from("month,activity,quantity,unit\n");
        text.push_str(&"x\n".repeat(LINES_MAX + 1));
        let errors = import(&text).unwrap_err();
        assert_eq!(errors.errors.len(), 1);
        assert_eq!((errors.errors[0].problem, errors.errors[0].line), (Problem::TooManyLines, LINES_MAX as u64 + 2));
    }
}
