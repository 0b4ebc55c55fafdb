//! The spec's documents as one tree, written either way the client asked: JSON by the spec's
//! "Spark convention" (a list is an array, a record an object, the root's name dropped) or XML
//! (a list is an element per item, a record an element per field; the declaration first, no
//! namespace). Every text is escaped by the one writer here, never spliced in.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use suqiu_core::validate::storable_char;

/// One node of a document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Text(String),
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Items, each an element of this name in XML.
    List(&'static str, Vec<Node>),
    /// Fields in order.
    Record(Vec<(&'static str, Node)>),
}

impl Node {
    pub fn text(s: impl Into<String>) -> Node {
        Node::Text(s.into())
    }

    /// A text, or null when there is none.
    pub fn maybe(s: Option<impl Into<String>>) -> Node {
        s.map_or(Node::Null, |s| Node::Text(s.into()))
    }

    fn json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Node::Text(t) => Value::String(t.clone()),
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Int(n) => Value::from(*n),
            Node::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Node::List(_, items) => Value::Array(items.iter().map(Node::json).collect()),
            Node::Record(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| ((*k).to_string(), v.json()))
                    .collect(),
            ),
        }
    }

    fn xml(&self, name: &str, out: &mut String) {
        let open = |out: &mut String| {
            out.push('<');
            out.push_str(name);
            out.push('>');
        };
        let close = |out: &mut String| {
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        };
        match self {
            Node::Null => {
                out.push('<');
                out.push_str(name);
                out.push_str("/>");
            }
            Node::List(item, items) => {
                open(out);
                items.iter().for_each(|i| i.xml(item, out));
                close(out);
            }
            Node::Record(fields) => {
                open(out);
                fields.iter().for_each(|(k, v)| v.xml(k, out));
                close(out);
            }
            scalar => {
                open(out);
                match scalar {
                    Node::Text(t) => escape(t, out),
                    Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                    Node::Int(n) => out.push_str(&n.to_string()),
                    // As JSON writes it (`121.0`, not `121`): both formats say one number.
                    Node::Float(f) => out.push_str(&Node::Float(*f).json().to_string()),
                    _ => {}
                }
                close(out);
            }
        }
    }
}

/// Text as XML character data: the five special characters as entities, and what XML 1.0
/// cannot carry at all dropped (the same characters no stored text may hold).
fn escape(text: &str, out: &mut String) {
    for c in text.chars().filter(|c| storable_char(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

/// The two formats of every resource, named by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Xml,
}

impl Format {
    /// The format of `file` (`services.json`, `SQ….xml`) and the name before it.
    pub fn split(file: &str) -> Option<(&str, Format)> {
        let (stem, ext) = file.rsplit_once('.')?;
        let format = match ext.to_ascii_lowercase().as_str() {
            "json" => Format::Json,
            "xml" => Format::Xml,
            _ => return None,
        };
        Some((stem, format))
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json; charset=utf-8",
            Format::Xml => "text/xml; charset=utf-8",
        }
    }
}

/// A whole document: its root element's name (XML) and its body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Doc {
    pub root: &'static str,
    pub body: Node,
}

impl Doc {
    pub fn new(root: &'static str, body: Node) -> Doc {
        Doc { root, body }
    }

    /// The document in `format`, as the spec's headers say it.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => self.body.json().to_string(),
            Format::Xml => {
                let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
                self.body.xml(self.root, &mut out);
                out
            }
        }
    }

    /// The response: `status`, the format's content type, the document.
    pub fn respond(&self, format: Format, status: StatusCode) -> Response {
        let mut res = (status, self.render(format)).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Doc {
        Doc::new(
            "service_requests",
            Node::List(
                "request",
                vec![Node::Record(vec![
                    ("service_request_id", Node::text("SQ1")),
                    ("description", Node::text("a < b & \"c\" 'd' > e\u{1}")),
                    ("account_id", Node::Null),
                    ("metadata", Node::Bool(true)),
                    ("code", Node::Int(404)),
                    ("lat", Node::Float(31.5)),
                    (
                        "formats",
                        Node::List("format", vec![Node::text("text/xml")]),
                    ),
                ])],
            ),
        )
    }

    #[test]
    fn xml_is_escaped_and_shaped_by_the_spark_convention() {
        let xml = sample().render(Format::Xml);
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<service_requests><request>\
             <service_request_id>SQ1</service_request_id>\
             <description>a &lt; b &amp; &quot;c&quot; &apos;d&apos; &gt; e</description>\
             <account_id/><metadata>true</metadata><code>404</code><lat>31.5</lat>\
             <formats><format>text/xml</format></formats></request></service_requests>"
        );
    }

    #[test]
    fn json_is_the_same_tree_without_the_root() {
        let json: serde_json::Value =
            serde_json::from_str(&sample().render(Format::Json)).expect("json");
        assert_eq!(
            json,
            serde_json::json!([{
                "service_request_id": "SQ1",
                "description": "a < b & \"c\" 'd' > e\u{1}",
                "account_id": null,
                "metadata": true,
                "code": 404,
                "lat": 31.5,
                "formats": ["text/xml"],
            }])
        );
    }

    #[test]
    fn a_resource_is_named_with_its_format() {
        assert_eq!(
            Format::split("services.json"),
            Some(("services", Format::Json))
        );
        assert_eq!(
            Format::split("public_facilities.water_pipes.XML"),
            Some(("public_facilities.water_pipes", Format::Xml))
        );
        assert_eq!(Format::split("services.html"), None);
        assert_eq!(Format::split("services"), None);
    }
}
