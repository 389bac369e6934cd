//! One read-only view over the TOML trees the core uses: the spanned parse
//! (`toml::de`) that loading and checking run on, and the `toml_edit` items
//! that edits produce. Checks and record readers are written once, against
//! [`Node`].

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};
use toml_edit::{ArrayOfTables, Item, TableLike, Value};

pub use toml_edit::Datetime;

#[derive(Clone, Copy)]
pub enum Node<'a> {
    De(&'a Spanned<DeValue<'a>>),
    /// The root table of a spanned parse.
    Root(&'a DeTable<'a>),
    Value(&'a Value),
    Table(&'a dyn TableLike, Option<(usize, usize)>),
    Tables(&'a ArrayOfTables),
}

/// A table entry: key, the key's span, value.
pub type Entry<'a> = (&'a str, Option<Range<usize>>, Node<'a>);

/// The entries of a table node, in file order.
pub type Entries<'a> = std::vec::IntoIter<Entry<'a>>;

/// What kind of TOML value a node is, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    String,
    Integer,
    Float,
    Boolean,
    Datetime,
    Array,
    Table,
}

impl Shape {
    pub fn name(self) -> &'static str {
        match self {
            Shape::String => "a string",
            Shape::Integer => "an integer",
            Shape::Float => "a float",
            Shape::Boolean => "a boolean",
            Shape::Datetime => "a date-time",
            Shape::Array => "an array",
            Shape::Table => "a table",
        }
    }
}

impl<'a> Node<'a> {
    pub fn from_item(item: &'a Item) -> Option<Node<'a>> {
        match item {
            Item::None => None,
            Item::Value(Value::InlineTable(t)) => Some(Node::Table(t, pair(t.span()))),
            Item::Value(v) => Some(Node::Value(v)),
            Item::Table(t) => Some(Node::Table(t, pair(t.span()))),
            Item::ArrayOfTables(a) => Some(Node::Tables(a)),
        }
    }

    fn from_value(v: &'a Value) -> Node<'a> {
        match v {
            Value::InlineTable(t) => Node::Table(t, pair(t.span())),
            v => Node::Value(v),
        }
    }

    pub fn span(self) -> Option<Range<usize>> {
        match self {
            Node::De(s) => Some(s.span()),
            Node::Root(_) => None,
            Node::Value(v) => v.span(),
            Node::Table(_, span) => span.map(|(a, b)| a..b),
            Node::Tables(a) => a.span(),
        }
    }

    pub fn shape(self) -> Shape {
        match self {
            Node::De(s) => match s.get_ref() {
                DeValue::String(_) => Shape::String,
                DeValue::Integer(_) => Shape::Integer,
                DeValue::Float(_) => Shape::Float,
                DeValue::Boolean(_) => Shape::Boolean,
                DeValue::Datetime(_) => Shape::Datetime,
                DeValue::Array(_) => Shape::Array,
                DeValue::Table(_) => Shape::Table,
            },
            Node::Value(v) => match v {
                Value::String(_) => Shape::String,
                Value::Integer(_) => Shape::Integer,
                Value::Float(_) => Shape::Float,
                Value::Boolean(_) => Shape::Boolean,
                Value::Datetime(_) => Shape::Datetime,
                Value::Array(_) => Shape::Array,
                Value::InlineTable(_) => Shape::Table,
            },
            Node::Table(..) | Node::Root(_) => Shape::Table,
            Node::Tables(_) => Shape::Array,
        }
    }

    pub fn as_str(self) -> Option<&'a str> {
        match self {
            Node::De(s) => s.get_ref().as_str(),
            Node::Value(v) => v.as_str(),
            _ => None,
        }
    }

    /// An integer that fits in i64.
    pub fn as_int(self) -> Option<i64> {
        match self {
            Node::De(s) => {
                let i = s.get_ref().as_integer()?;
                i64::from_str_radix(i.as_str(), i.radix()).ok()
            }
            Node::Value(v) => v.as_integer(),
            _ => None,
        }
    }

    pub fn as_float(self) -> Option<f64> {
        match self {
            Node::De(s) => s.get_ref().as_float().and_then(|f| parse_float(f.as_str())),
            Node::Value(v) => v.as_float(),
            _ => None,
        }
    }

    /// An integer or a float.
    pub fn as_number(self) -> Option<f64> {
        self.as_int().map(|i| i as f64).or_else(|| self.as_float())
    }

    pub fn as_bool(self) -> Option<bool> {
        match self {
            Node::De(s) => s.get_ref().as_bool(),
            Node::Value(v) => v.as_bool(),
            _ => None,
        }
    }

    pub fn as_datetime(self) -> Option<Datetime> {
        match self {
            Node::De(s) => s.get_ref().as_datetime().copied(),
            Node::Value(v) => v.as_datetime().copied(),
            _ => None,
        }
    }

    pub fn is_table(self) -> bool {
        self.shape() == Shape::Table
    }

    /// Array elements (also the tables of an array of tables).
    pub fn elements(self) -> Option<Vec<Node<'a>>> {
        match self {
            Node::De(s) => s
                .get_ref()
                .as_array()
                .map(|a| a.iter().map(Node::De).collect()),
            Node::Value(Value::Array(a)) => Some(a.iter().map(Node::from_value).collect()),
            Node::Tables(a) => Some(a.iter().map(|t| Node::Table(t, pair(t.span()))).collect()),
            _ => None,
        }
    }

    /// Table entries in file order: key, the key's span, value.
    pub fn entries(self) -> Option<Entries<'a>> {
        let collected = |v: Vec<Entry<'a>>| v.into_iter();
        match self {
            Node::De(s) => s.get_ref().as_table().map(|t| {
                collected(
                    t.iter()
                        .map(|(k, v)| (k.get_ref().as_ref(), Some(k.span()), Node::De(v)))
                        .collect(),
                )
            }),
            Node::Root(t) => Some(collected(
                t.iter()
                    .map(|(k, v)| (k.get_ref().as_ref(), Some(k.span()), Node::De(v)))
                    .collect(),
            )),
            Node::Table(t, _) => Some(collected(
                t.iter()
                    .filter_map(|(k, item)| {
                        let span = t.key(k).and_then(|key| key.span());
                        Node::from_item(item).map(|n| (k, span, n))
                    })
                    .collect(),
            )),
            _ => None,
        }
    }

    pub fn get(self, key: &str) -> Option<Node<'a>> {
        match self {
            Node::De(s) => s
                .get_ref()
                .as_table()
                .and_then(|t| entry(t, key))
                .map(|(_, v)| Node::De(v)),
            Node::Root(t) => entry(t, key).map(|(_, v)| Node::De(v)),
            Node::Table(t, _) => t.get(key).and_then(Node::from_item),
            _ => None,
        }
    }

    pub fn key_span(self, key: &str) -> Option<Range<usize>> {
        match self {
            Node::De(s) => s
                .get_ref()
                .as_table()
                .and_then(|t| entry(t, key))
                .map(|(k, _)| k.span()),
            Node::Root(t) => entry(t, key).map(|(k, _)| k.span()),
            Node::Table(t, _) => t.key(key).and_then(|k| k.span()),
            _ => None,
        }
    }

    /// A short rendering of a scalar for messages.
    pub fn show(self) -> String {
        match self.shape() {
            Shape::String => format!("\"{}\"", self.as_str().unwrap_or_default()),
            Shape::Integer => self.as_int().map(|i| i.to_string()).unwrap_or_default(),
            // `5.0`, not `5`: a message about a float must show it is one;
            // `1e308`, not 309 digits.
            Shape::Float => self
                .as_number()
                .map(|x| format!("{x:?}"))
                .unwrap_or_default(),
            Shape::Boolean => self.as_bool().map(|b| b.to_string()).unwrap_or_default(),
            Shape::Datetime => self
                .as_datetime()
                .map(|d| d.to_string())
                .unwrap_or_default(),
            other => other.name().to_string(),
        }
    }
}

type DeEntry<'a> = (
    &'a Spanned<std::borrow::Cow<'a, str>>,
    &'a Spanned<DeValue<'a>>,
);

/// A key of a parsed table. A record's tables hold a dozen keys, and
/// comparing them is cheaper than hashing the key (SipHash) to look it up:
/// loading a large workspace makes half a million lookups.
fn entry<'a>(t: &'a DeTable<'a>, key: &str) -> Option<DeEntry<'a>> {
    if t.len() <= 16 {
        t.iter().find(|(k, _)| k.get_ref() == key)
    } else {
        t.get_key_value(key)
    }
}

fn pair(span: Option<Range<usize>>) -> Option<(usize, usize)> {
    span.map(|r| (r.start, r.end))
}

fn parse_float(s: &str) -> Option<f64> {
    match s {
        "inf" | "+inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        "nan" | "+nan" | "-nan" => Some(f64::NAN),
        s if s.contains('_') => s.replace('_', "").parse().ok(),
        s => s.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small tables are searched, large ones hashed: both find every key
    /// with its span, and no other.
    #[test]
    fn keys_are_found_in_tables_of_any_size() {
        for n in [0, 1, 16, 17, 40] {
            let text: String = (0..n).map(|i| format!("k{i} = {i}\n")).collect();
            let root = toml::de::DeTable::parse(&text).expect("parses");
            let node = Node::Root(root.get_ref());
            for i in 0..n {
                let key = format!("k{i}");
                assert_eq!(node.get(&key).and_then(Node::as_int), Some(i), "{n}");
                let at = text.find(&format!("{key} =")).expect("key");
                assert_eq!(node.key_span(&key), Some(at..at + key.len()), "{n}");
            }
            assert!(node.get("k").is_none() && node.get(&format!("k{n}")).is_none());
        }
    }
}
