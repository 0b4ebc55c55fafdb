//! The spec's document of each resource, field by field in the spec's order (times in
//! ISO 8601 with the Shanghai offset, `+08:00`).

use chrono::{DateTime, Utc};
use suqiu_core::open311::{Attribute, Service};

use super::doc::{Doc, Node};
use crate::app::open311::PublicRequest;
use crate::dto::time;

/// The specification an endpoint serves, as service discovery names it.
const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";

/// `discovery`: the one endpoint (production, both formats) and how to get a key.
pub(super) fn discovery(base: &str, changeset: DateTime<Utc>) -> Doc {
    let formats = Node::List(
        "format",
        vec![Node::text("text/xml"), Node::text("application/json")],
    );
    let endpoint = Node::Record(vec![
        ("specification", Node::text(SPECIFICATION)),
        ("url", Node::text(format!("{base}/open311/v2"))),
        ("changeset", Node::text(time(changeset))),
        ("type", Node::text("production")),
        ("formats", formats),
    ]);
    Doc::new(
        "discovery",
        Node::Record(vec![
            ("changeset", Node::text(time(changeset))),
            (
                "contact",
                Node::text("本系统由区诉求工作平台管理员维护，请与其联系。Run by the district's administrators: contact them."),
            ),
            (
                "key_service",
                Node::text("API 密钥由区管理员在「设置 › Open311 接口密钥」中发放。Keys are issued by the district's administrators (Settings › Open311 keys)."),
            ),
            ("endpoints", Node::List("endpoint", vec![endpoint])),
        ]),
    )
}

/// `services`: each with a definition to fetch (`metadata` true), registered at once
/// (`realtime`).
pub(super) fn services(services: &[Service]) -> Doc {
    let items = services
        .iter()
        .map(|s| {
            Node::Record(vec![
                ("service_code", Node::text(&s.code)),
                ("service_name", Node::text(&s.name)),
                ("description", Node::text(&s.description)),
                ("metadata", Node::Bool(true)),
                ("type", Node::text("realtime")),
                ("keywords", Node::text(&s.keywords)),
                ("group", Node::text(&s.group)),
            ])
        })
        .collect();
    Doc::new("services", Node::List("service", items))
}

/// `services/{code}`: the attributes, each a list of choices.
pub(super) fn definition(code: &str, attributes: &[Attribute]) -> Doc {
    let attributes = attributes
        .iter()
        .map(|a| {
            let values = a
                .values
                .iter()
                .map(|(key, name)| {
                    Node::Record(vec![("key", Node::text(key)), ("name", Node::text(name))])
                })
                .collect();
            Node::Record(vec![
                ("variable", Node::Bool(true)),
                ("code", Node::text(a.code)),
                ("datatype", Node::text("singlevaluelist")),
                ("required", Node::Bool(a.required)),
                ("datatype_description", Node::Null),
                ("order", Node::Int(i64::from(a.order))),
                ("description", Node::text(a.description)),
                ("values", Node::List("value", values)),
            ])
        })
        .collect();
    Doc::new(
        "service_definition",
        Node::Record(vec![
            ("service_code", Node::text(code)),
            ("attributes", Node::List("attribute", attributes)),
        ]),
    )
}

/// `requests` and `requests/{id}`: what Open311 shows of each.
pub(super) fn requests(found: &[PublicRequest]) -> Doc {
    let items = found
        .iter()
        .map(|r| {
            let v = &r.view;
            let (lat, long) = r.point.map_or((Node::Null, Node::Null), |p| {
                (Node::Float(p.lat), Node::Float(p.lng))
            });
            Node::Record(vec![
                ("service_request_id", Node::text(&v.service_request_id)),
                ("status", Node::text(v.status.code())),
                ("status_notes", Node::maybe(v.status_notes)),
                ("service_name", Node::text(&r.service_name)),
                ("service_code", Node::text(&v.service_code)),
                ("description", Node::text(&v.description)),
                ("agency_responsible", Node::text(&r.agency)),
                ("service_notice", Node::text("")),
                ("requested_datetime", Node::text(time(v.requested))),
                ("updated_datetime", Node::text(time(v.updated))),
                ("expected_datetime", Node::maybe(v.expected.map(time))),
                ("address", Node::maybe(v.address.as_deref())),
                ("lat", lat),
                ("long", long),
                ("media_url", Node::maybe(r.media_url.as_deref())),
            ])
        })
        .collect();
    Doc::new("service_requests", Node::List("request", items))
}

/// `POST requests`: the new request's id (it is registered at once: no token).
pub(super) fn posted(id: &str) -> Doc {
    one_request(vec![
        ("service_request_id", Node::text(id)),
        ("service_notice", Node::text("")),
        ("account_id", Node::Null),
    ])
}

/// `tokens/{token}`: the request the token stands for.
pub(super) fn token(id: &str, token: &str) -> Doc {
    one_request(vec![
        ("service_request_id", Node::text(id)),
        ("token", Node::text(token)),
    ])
}

/// The spec's list of requests holding one, with these fields.
fn one_request(fields: Vec<(&'static str, Node)>) -> Doc {
    Doc::new(
        "service_requests",
        Node::List("request", vec![Node::Record(fields)]),
    )
}
