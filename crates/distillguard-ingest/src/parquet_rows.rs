//! Parquet record batches → one JSON object per row, so that rows go through the same
//! mapping code as JSON records (the canonical identity mapping when none is given).
//!
//! In: an Arrow [`RecordBatch`]. Out: one `serde_json::Value::Object` per row, keyed by
//! column name. Strings, integers, floats, booleans, timestamps (as epoch milliseconds)
//! and lists of those convert directly; any other type is written as its display text.

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, GenericListArray, OffsetSizeTrait, PrimitiveArray,
};
use arrow::datatypes::{
    ArrowPrimitiveType, DataType, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type,
    Int8Type, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow::record_batch::RecordBatch;
use arrow::util::display::{ArrayFormatter, FormatOptions};
use serde_json::{Map, Value};

/// Every row of the batch as a JSON object (nulls are left out).
pub(crate) fn rows(batch: &RecordBatch) -> Vec<Value> {
    let schema = batch.schema();
    let columns: Vec<(String, Vec<Value>)> = schema
        .fields()
        .iter()
        .zip(batch.columns())
        .map(|(field, column)| (field.name().clone(), column_values(column)))
        .collect();
    let mut columns: Vec<(String, std::vec::IntoIter<Value>)> = columns
        .into_iter()
        .map(|(name, values)| (name, values.into_iter()))
        .collect();
    (0..batch.num_rows())
        .map(|_| {
            let mut row = Map::with_capacity(columns.len());
            for (name, values) in columns.iter_mut() {
                match values.next() {
                    Some(Value::Null) | None => {}
                    Some(value) => {
                        row.insert(name.clone(), value);
                    }
                }
            }
            Value::Object(row)
        })
        .collect()
}

fn primitive<T: ArrowPrimitiveType>(
    array: &dyn Array,
    to_json: impl Fn(T::Native) -> Value,
) -> Vec<Value> {
    let array: &PrimitiveArray<T> = array.as_primitive();
    array
        .iter()
        .map(|v| v.map_or(Value::Null, &to_json))
        .collect()
}

fn list<O: OffsetSizeTrait>(array: &GenericListArray<O>) -> Vec<Value> {
    (0..array.len())
        .map(|i| {
            if array.is_null(i) {
                Value::Null
            } else {
                Value::Array(column_values(&array.value(i)))
            }
        })
        .collect()
}

fn column_values(column: &ArrayRef) -> Vec<Value> {
    let array = column.as_ref();
    match array.data_type() {
        DataType::Null => vec![Value::Null; array.len()],
        DataType::Utf8 => array
            .as_string::<i32>()
            .iter()
            .map(|v| v.map_or(Value::Null, |s| Value::String(s.to_string())))
            .collect(),
        DataType::LargeUtf8 => array
            .as_string::<i64>()
            .iter()
            .map(|v| v.map_or(Value::Null, |s| Value::String(s.to_string())))
            .collect(),
        DataType::Utf8View => array
            .as_string_view()
            .iter()
            .map(|v| v.map_or(Value::Null, |s| Value::String(s.to_string())))
            .collect(),
        DataType::Boolean => {
            let array: &BooleanArray = array.as_boolean();
            array
                .iter()
                .map(|v| v.map_or(Value::Null, Value::Bool))
                .collect()
        }
        DataType::Int8 => primitive::<Int8Type>(array, Value::from),
        DataType::Int16 => primitive::<Int16Type>(array, Value::from),
        DataType::Int32 => primitive::<Int32Type>(array, Value::from),
        DataType::Int64 => primitive::<Int64Type>(array, Value::from),
        DataType::UInt8 => primitive::<UInt8Type>(array, Value::from),
        DataType::UInt16 => primitive::<UInt16Type>(array, Value::from),
        DataType::UInt32 => primitive::<UInt32Type>(array, Value::from),
        DataType::UInt64 => primitive::<UInt64Type>(array, Value::from),
        DataType::Float32 => primitive::<Float32Type>(array, |f| float(f64::from(f))),
        DataType::Float64 => primitive::<Float64Type>(array, float),
        DataType::Timestamp(unit, _) => match unit {
            TimeUnit::Second => {
                primitive::<TimestampSecondType>(array, |s| Value::from(s.saturating_mul(1000)))
            }
            TimeUnit::Millisecond => primitive::<TimestampMillisecondType>(array, Value::from),
            TimeUnit::Microsecond => {
                primitive::<TimestampMicrosecondType>(array, |us| Value::from(us.div_euclid(1000)))
            }
            TimeUnit::Nanosecond => primitive::<TimestampNanosecondType>(array, |ns| {
                Value::from(ns.div_euclid(1_000_000))
            }),
        },
        DataType::List(_) => list(array.as_list::<i32>()),
        DataType::LargeList(_) => list(array.as_list::<i64>()),
        _ => display_values(array),
    }
}

fn float(f: f64) -> Value {
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

fn display_values(array: &dyn Array) -> Vec<Value> {
    let options = FormatOptions::default();
    match ArrayFormatter::try_new(array, &options) {
        Ok(formatter) => (0..array.len())
            .map(|i| {
                if array.is_null(i) {
                    Value::Null
                } else {
                    Value::String(formatter.value(i).to_string())
                }
            })
            .collect(),
        Err(_) => vec![Value::Null; array.len()],
    }
}
