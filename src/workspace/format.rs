//! Canonical formatting for `lodestar fmt`, comments kept (taplo's formatter).

/// The canonical form of a TOML text. Comments, key order and record order are
/// kept; spacing, blank lines and layout are normalised. Trailing comments
/// are not aligned, so changing one value never re-aligns its neighbours.
pub fn canonical(text: &str) -> String {
    let crlf = text.contains("\r\n");
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let options = taplo::formatter::Options {
        align_entries: false,
        align_comments: false,
        align_single_comments: false,
        array_trailing_comma: true,
        array_auto_expand: true,
        array_auto_collapse: true,
        compact_arrays: true,
        compact_inline_tables: false,
        column_width: 100,
        indent_tables: false,
        indent_entries: false,
        trailing_newline: true,
        allowed_blank_lines: 1,
        reorder_keys: false,
        crlf,
        ..Default::default()
    };
    taplo::formatter::format(text, options)
}

/// Whether two TOML texts hold the same data (ignoring layout and comments).
/// `fmt` refuses to write a file when this does not hold.
pub fn same_data(a: &str, b: &str) -> bool {
    match (
        a.parse::<toml_edit::DocumentMut>(),
        b.parse::<toml_edit::DocumentMut>(),
    ) {
        (Ok(a), Ok(b)) => same_table(a.as_table(), b.as_table()),
        _ => false,
    }
}

fn same_table(a: &dyn toml_edit::TableLike, b: &dyn toml_edit::TableLike) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|(k, va)| b.get(k).is_some_and(|vb| same_item(va, vb)))
}

fn same_item(a: &toml_edit::Item, b: &toml_edit::Item) -> bool {
    use toml_edit::Item;
    if let (Some(ta), Some(tb)) = (a.as_table_like(), b.as_table_like()) {
        return same_table(ta, tb);
    }
    match (a, b) {
        (Item::ArrayOfTables(x), Item::ArrayOfTables(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same_table(p, q))
        }
        (Item::Value(x), Item::Value(y)) => same_value(x, y),
        _ => false,
    }
}

fn same_value(a: &toml_edit::Value, b: &toml_edit::Value) -> bool {
    use toml_edit::Value;
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.value() == y.value(),
        (Value::Integer(x), Value::Integer(y)) => x.value() == y.value(),
        (Value::Float(x), Value::Float(y)) => x.value().to_bits() == y.value().to_bits(),
        (Value::Boolean(x), Value::Boolean(y)) => x.value() == y.value(),
        (Value::Datetime(x), Value::Datetime(y)) => x.value() == y.value(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same_value(p, q))
        }
        (Value::InlineTable(x), Value::InlineTable(y)) => same_table(x, y),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_comments_and_is_idempotent() {
        let text = "# head\n\n\n\n[[risk]]\nid=\"r1\"   # trailing\nlikelihood =3\n";
        let once = canonical(text);
        assert!(once.contains("# head"));
        assert!(once.contains("# trailing"));
        assert!(once.contains("id = \"r1\""));
        assert!(!once.contains("\n\n\n"));
        assert_eq!(canonical(&once), once);
    }
}
