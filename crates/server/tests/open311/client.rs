//! A GeoReport v2 client written from the spec (wiki.open311.org/GeoReport_v2 and its
//! Service Discovery page), not from the server's code: it asks for a resource as
//! `{name}.json` and `{name}.xml`, reads each generically (JSON as any JSON; XML with its
//! own parser by the spec's "Spark convention": the elements the spec marks as lists hold
//! items, the others hold named fields) and checks that both say the same.

// Each test binary that includes the client uses a different part of it.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::Value;

use crate::common::{Resp, TestApp};

pub const BASE: &str = "/open311/v2";

/// The elements the spec's tables mark as lists (⇊): their children are items.
const LISTS: &[&str] = &[
    "services",
    "service_requests",
    "errors",
    "attributes",
    "values",
    "endpoints",
    "formats",
];

/// A document as the spec shapes it: a text (numbers, booleans and nulls as written), a
/// list, or named fields (by name: a JSON object has no order).
#[derive(Debug, Clone, PartialEq)]
pub enum Tree {
    Text(String),
    List(Vec<Tree>),
    Fields(Vec<(String, Tree)>),
}

impl Tree {
    /// The field `name`, if there is one.
    pub fn field(&self, name: &str) -> Option<&Tree> {
        match self {
            Tree::Fields(fields) => fields.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The field `name`'s text ("" for an empty or null one); panics if there is none.
    #[track_caller]
    pub fn str(&self, name: &str) -> &str {
        match self.field(name) {
            Some(Tree::Text(t)) => t,
            other => panic!("no text field {name}: {other:?} in {self:?}"),
        }
    }

    /// The items of a list (the field `name`'s, or this one's with `""`).
    #[track_caller]
    pub fn items(&self, name: &str) -> &[Tree] {
        let list = if name.is_empty() {
            Some(self)
        } else {
            self.field(name)
        };
        match list {
            Some(Tree::List(items)) => items,
            other => panic!("no list {name:?}: {other:?}"),
        }
    }
}

/// JSON as a tree: null is an empty text, as an empty XML element is.
pub fn from_json(v: &Value) -> Tree {
    match v {
        Value::Null => Tree::Text(String::new()),
        Value::Bool(b) => Tree::Text(b.to_string()),
        Value::Number(n) => Tree::Text(n.to_string()),
        Value::String(s) => Tree::Text(s.clone()),
        Value::Array(items) => Tree::List(items.iter().map(from_json).collect()),
        Value::Object(map) => fields(map.iter().map(|(k, v)| (k.clone(), from_json(v))).collect()),
    }
}

fn fields(mut named: Vec<(String, Tree)>) -> Tree {
    named.sort_by(|a, b| a.0.cmp(&b.0));
    Tree::Fields(named)
}

/// One open element while reading XML: its name, its children, its text.
struct Open {
    name: String,
    children: Vec<(String, Tree)>,
    text: String,
}

impl Open {
    fn close(self) -> (String, Tree) {
        let tree = if LISTS.contains(&self.name.as_str()) {
            Tree::List(self.children.into_iter().map(|(_, t)| t).collect())
        } else if self.children.is_empty() {
            Tree::Text(self.text)
        } else {
            fields(self.children)
        };
        (self.name, tree)
    }
}

/// XML as a tree (the root element's content; its name is returned beside it). Panics on
/// anything that is not well-formed.
pub fn from_xml(text: &str) -> (String, Tree) {
    // Text is kept as sent (a description's spaces beside `&amp;` are its own); whitespace
    // between elements, which a server may indent with, is dropped when an element closes.
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut root = None;
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let finished = match event {
            Event::Start(e) => {
                stack.push(Open {
                    name: e.name().as_ref().to_string(),
                    children: Vec::new(),
                    text: String::new(),
                });
                None
            }
            Event::Empty(e) => Some((e.name().as_ref().to_string(), {
                let name = e.name().as_ref().to_string();
                if LISTS.contains(&name.as_str()) {
                    Tree::List(Vec::new())
                } else {
                    Tree::Text(String::new())
                }
            })),
            Event::End(_) => Some(stack.pop().expect("an open element").close()),
            Event::Text(t) => {
                if let Some(open) = stack.last_mut() {
                    open.text += &t.xml10_content();
                }
                None
            }
            Event::GeneralRef(r) => {
                let c = match &*r {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    _ => r.resolve_char_ref().expect("a character").expect("known"),
                };
                stack
                    .last_mut()
                    .expect("a reference in an element")
                    .text
                    .push(c);
                None
            }
            Event::Eof => break,
            _ => None,
        };
        if let Some((name, tree)) = finished {
            match stack.last_mut() {
                Some(parent) => parent.children.push((name, tree)),
                None => root = Some((name, tree)),
            }
        }
    }
    root.expect("a root element")
}

/// One resource asked for in both formats.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub json: Tree,
    /// The XML's root element.
    pub root: String,
}

async fn send(t: &TestApp, method: Method, uri: &str, form: Option<&str>) -> Resp {
    let mut req = Request::builder().method(method).uri(uri);
    let body = match form {
        Some(f) => {
            req = req.header(
                header::CONTENT_TYPE,
                "application/x-www-form-urlencoded; charset=utf-8",
            );
            Body::from(f.to_string())
        }
        None => Body::empty(),
    };
    t.send(req.body(body).expect("a request")).await
}

/// Reads one answer in its format, checking the spec's content type and the XML declaration.
#[track_caller]
fn read(res: &Resp, format: &str) -> (String, Tree) {
    let text = res.text();
    match format {
        "json" => {
            assert!(
                res.content_type().starts_with("application/json"),
                "{res:?}"
            );
            let v: Value = serde_json::from_str(&text).expect("JSON");
            (String::new(), from_json(&v))
        }
        _ => {
            assert!(res.content_type().starts_with("text/xml"), "{res:?}");
            assert!(
                text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
                "{text}"
            );
            from_xml(&text)
        }
    }
}

/// `GET {resource}.json` and `.xml` with `query`: the same status and the same document.
pub async fn get(t: &TestApp, resource: &str, query: &str) -> Answer {
    let uri = |f: &str| format!("{BASE}/{resource}.{f}?{query}");
    let (json_res, xml_res) = (
        send(t, Method::GET, &uri("json"), None).await,
        send(t, Method::GET, &uri("xml"), None).await,
    );
    assert_eq!(json_res.status, xml_res.status, "{resource}?{query}");
    let (_, json) = read(&json_res, "json");
    let (root, xml) = read(&xml_res, "xml");
    assert_eq!(json, xml, "{resource}?{query}: the two formats differ");
    Answer {
        status: json_res.status,
        json,
        root,
    }
}

/// `POST requests.{format}` with `form` (and `query` in the URL).
pub async fn post(
    t: &TestApp,
    format: &str,
    query: &str,
    form: &[(&str, &str)],
) -> (StatusCode, Tree) {
    let body = serde_urlencoded::to_string(form).expect("a form");
    let res = send(
        t,
        Method::POST,
        &format!("{BASE}/requests.{format}?{query}"),
        Some(&body),
    )
    .await;
    let (_, tree) = read(&res, format);
    (res.status, tree)
}

/// The spec's error list as (code, description), checking its shape.
#[track_caller]
pub fn errors(tree: &Tree) -> Vec<(String, String)> {
    tree.items("")
        .iter()
        .map(|e| (e.str("code").to_string(), e.str("description").to_string()))
        .collect()
}
