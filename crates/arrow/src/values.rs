//! One Arrow value as a JSON value, for metadata read from Parquet.
//!
//! | Arrow | JSON |
//! |---|---|
//! | null | (no key: see [`crate::rows`]) |
//! | bool, integers | bool, number |
//! | floats | number; NaN and infinities, which JSON cannot hold, are null |
//! | strings | string |
//! | binary | string when it is UTF-8, else lossy UTF-8 (U+FFFD) |
//! | date32/64 | `"YYYY-MM-DD"` |
//! | timestamp | `"YYYY-MM-DDTHH:MM:SS[.fff…]"`, `Z` when it has a time zone |
//! | decimal128/256 | string of the exact decimal |
//! | list, large list, fixed-size list | array |
//! | struct | object |
//! | map | object (keys as text) |
//! | dictionary | its value |
//! | anything else (time, duration, interval, union…) | null |

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, OffsetSizeTrait};
use arrow_schema::{DataType, TimeUnit};
use serde_json::{Map, Number, Value};

/// The value at `row` of `array`; `Value::Null` for a null.
pub fn value(array: &dyn Array, row: usize) -> Value {
    if array.is_null(row) {
        return Value::Null;
    }
    match array.data_type() {
        DataType::Boolean => Value::Bool(array.as_boolean().value(row)),
        DataType::Int8 => array.as_primitive::<Int8Type>().value(row).into(),
        DataType::Int16 => array.as_primitive::<Int16Type>().value(row).into(),
        DataType::Int32 => array.as_primitive::<Int32Type>().value(row).into(),
        DataType::Int64 => array.as_primitive::<Int64Type>().value(row).into(),
        DataType::UInt8 => array.as_primitive::<UInt8Type>().value(row).into(),
        DataType::UInt16 => array.as_primitive::<UInt16Type>().value(row).into(),
        DataType::UInt32 => array.as_primitive::<UInt32Type>().value(row).into(),
        DataType::UInt64 => array.as_primitive::<UInt64Type>().value(row).into(),
        DataType::Float16 => float(f64::from(array.as_primitive::<Float16Type>().value(row))),
        DataType::Float32 => float(f64::from(array.as_primitive::<Float32Type>().value(row))),
        DataType::Float64 => float(array.as_primitive::<Float64Type>().value(row)),
        DataType::Utf8 => array.as_string::<i32>().value(row).into(),
        DataType::LargeUtf8 => array.as_string::<i64>().value(row).into(),
        DataType::Utf8View => array.as_string_view().value(row).into(),
        DataType::Binary => bytes(array.as_binary::<i32>().value(row)),
        DataType::LargeBinary => bytes(array.as_binary::<i64>().value(row)),
        DataType::BinaryView => bytes(array.as_binary_view().value(row)),
        DataType::FixedSizeBinary(_) => bytes(array.as_fixed_size_binary().value(row)),
        DataType::Date32 => Value::String(date(i64::from(array.as_primitive::<Date32Type>().value(row)))),
        DataType::Date64 => {
            let ms = array.as_primitive::<Date64Type>().value(row);
            Value::String(date(ms.div_euclid(86_400_000)))
        }
        DataType::Timestamp(unit, zone) => {
            let raw = match unit {
                TimeUnit::Second => array.as_primitive::<TimestampSecondType>().value(row),
                TimeUnit::Millisecond => array.as_primitive::<TimestampMillisecondType>().value(row),
                TimeUnit::Microsecond => array.as_primitive::<TimestampMicrosecondType>().value(row),
                TimeUnit::Nanosecond => array.as_primitive::<TimestampNanosecondType>().value(row),
            };
            Value::String(timestamp(raw, *unit, zone.is_some()))
        }
        DataType::Decimal128(_, scale) => {
            let raw = array.as_primitive::<Decimal128Type>().value(row);
            Value::String(decimal(raw.to_string(), *scale))
        }
        DataType::Decimal256(_, scale) => {
            let raw = array.as_primitive::<Decimal256Type>().value(row);
            Value::String(decimal(raw.to_string(), *scale))
        }
        DataType::List(_) => list::<i32>(array, row),
        DataType::LargeList(_) => list::<i64>(array, row),
        DataType::FixedSizeList(_, _) => items(&array.as_fixed_size_list().value(row)),
        DataType::Struct(fields) => {
            let array = array.as_struct();
            let object: Map<String, Value> = fields
                .iter()
                .zip(array.columns())
                .map(|(field, column)| (field.name().clone(), value(column, row)))
                .collect();
            Value::Object(object)
        }
        DataType::Map(_, _) => {
            let entries = array.as_map().value(row);
            let (keys, values) = (entries.column(0), entries.column(1));
            let object: Map<String, Value> = (0..entries.len())
                .map(|i| {
                    let key = match value(keys, i) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, value(values, i))
                })
                .collect();
            Value::Object(object)
        }
        DataType::Dictionary(_, _) => match array.as_any_dictionary_opt() {
            Some(dictionary) => {
                let key = dictionary.normalized_keys()[row];
                value(dictionary.values(), key)
            }
            None => Value::Null,
        },
        _ => Value::Null,
    }
}

fn list<O: OffsetSizeTrait>(array: &dyn Array, row: usize) -> Value {
    items(&array.as_list::<O>().value(row))
}

fn items(array: &ArrayRef) -> Value {
    Value::Array((0..array.len()).map(|i| value(array, i)).collect())
}

fn float(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

fn bytes(b: &[u8]) -> Value {
    Value::String(String::from_utf8_lossy(b).into_owned())
}

/// `digits` (an integer, maybe negative) with the decimal point `scale`
/// digits from the right.
fn decimal(digits: String, scale: i8) -> String {
    let (sign, digits) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest.to_string()),
        None => ("", digits),
    };
    match usize::try_from(scale) {
        Ok(0) => format!("{sign}{digits}"),
        Ok(scale) => {
            let padded = format!("{digits:0>width$}", width = scale + 1);
            let (whole, fraction) = padded.split_at(padded.len() - scale);
            format!("{sign}{whole}.{fraction}")
        }
        // A negative scale multiplies by a power of ten.
        Err(_) => format!("{sign}{digits}{}", "0".repeat(usize::from(scale.unsigned_abs()))),
    }
}

/// The civil date of day `days` since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, proleptic Gregorian).
fn date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn timestamp(raw: i64, unit: TimeUnit, utc: bool) -> String {
    let per_second: i64 = match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    };
    let seconds = raw.div_euclid(per_second);
    let fraction = raw.rem_euclid(per_second);
    let (days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let mut text = format!(
        "{}T{:02}:{:02}:{:02}",
        date(days),
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    );
    if fraction != 0 {
        let width = per_second.ilog10() as usize;
        text.push_str(&format!(".{fraction:0width$}"));
    }
    if utc {
        text.push('Z');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{Date32Array, DictionaryArray, Float64Array, StructArray, TimestampMillisecondArray};
    use arrow_schema::Field;
    use serde_json::json;
    use std::sync::Arc;

    #[test]
    fn dates_and_times_are_iso_text() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(19_783), "2024-03-01");
        assert_eq!(date(-1), "1969-12-31");
        let days = Date32Array::from(vec![19_723]);
        assert_eq!(value(&days, 0), json!("2024-01-01"));
        let ts = TimestampMillisecondArray::from(vec![1_708_473_600_123]).with_timezone("UTC");
        assert_eq!(value(&ts, 0), json!("2024-02-21T00:00:00.123Z"));
    }

    #[test]
    fn decimals_keep_their_digits() {
        assert_eq!(decimal("12345".into(), 2), "123.45");
        assert_eq!(decimal("-5".into(), 3), "-0.005");
        assert_eq!(decimal("7".into(), -2), "700");
    }

    #[test]
    fn nested_values_become_json() {
        let mut lists = ListBuilder::new(StringBuilder::new());
        lists.values().append_value("a");
        lists.values().append_null();
        lists.append(true);
        let lists = lists.finish();
        assert_eq!(value(&lists, 0), json!(["a", null]));
        let scores: ArrayRef = Arc::new(Float64Array::from(vec![f64::NAN]));
        let structs = StructArray::from(vec![(Arc::new(Field::new("s", DataType::Float64, true)), scores)]);
        assert_eq!(value(&structs, 0), json!({"s": null}));
        let dictionary: DictionaryArray<Int32Type> = vec!["en", "fr", "en"].into_iter().collect();
        assert_eq!(value(&dictionary, 2), json!("en"));
    }
}
