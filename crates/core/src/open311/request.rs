//! `POST requests`: a service request as another system posts it, checked as a whole and
//! turned into an appeal's intake — by the desk's own rules (`lifecycle::check_draft`), with
//! each fault named by the spec's parameter.

use super::{unknown_service, Refusal, MAX_MEDIA_URL};
use crate::appeal::{Channel, Kind, Urgency};
use crate::error::{FieldError, Msg, TOO_LONG};
use crate::lifecycle::{check_draft, CheckedDraft, IntakeDraft, IntakeFacts, Matter};
use crate::msg;
use crate::org::OrgUnit;
use crate::public::{appellant, lives_there, MapPoint};

/// The attribute that names the community a request concerns (its code).
pub const ATTR_ORG_UNIT: &str = "org_unit";
/// The attribute of the kind of appeal (诉求类型).
pub const ATTR_KIND: &str = "kind";
/// The attribute of the urgency.
pub const ATTR_URGENCY: &str = "urgency";

/// A service request as posted: the spec's fields, each as sent (absent or blank alike).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostedRequest {
    pub service_code: Option<String>,
    pub lat: Option<String>,
    pub long: Option<String>,
    pub address_string: Option<String>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub description: Option<String>,
    pub media_url: Option<String>,
    /// `attribute[code]=value`, in the order sent.
    pub attributes: Vec<(String, String)>,
}

impl PostedRequest {
    /// The first value sent for `attribute[code]`, trimmed, if not blank.
    pub fn attribute(&self, code: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// What the store knows about what a request names.
#[derive(Debug, Clone)]
pub struct RequestFacts {
    /// The service code is a service (a category of the taxonomy).
    pub service_known: bool,
    /// The node the request's community attribute names, when it exists; without the
    /// attribute, the one community its `address_string` names (`gazetteer`), if any.
    pub unit: Option<OrgUnit>,
    /// The channel the posting key's appeals get.
    pub channel: Channel,
}

/// Where a posted request is: a point on the map, an address, or both.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub point: Option<MapPoint>,
    pub address: Option<String>,
}

/// A request that passed: the intake (and its handling unit), where it is, and its media.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedRequest {
    pub intake: CheckedDraft,
    pub location: Location,
    pub media_url: Option<String>,
}

const SERVICE_CODE_MISSING: Msg = msg!(
    "service_code_missing",
    "缺少 service_code（服务代码，见 services 列表）",
    "service_code was not provided (see the services list)",
);
const LOCATION_MISSING: Msg = msg!(
    "location_missing",
    "请提供位置：lat 和 long，或 address_string",
    "Give a location: lat and long, or address_string",
);
const NOT_A_NUMBER: Msg = msg!(
    "open311_not_a_number",
    "{field} 应为数字（WGS84 度）",
    "{field} is a number (WGS84 degrees)",
);
const MEDIA_URL_SHAPE: Msg = msg!(
    "media_url_shape",
    "media_url 应为 http:// 或 https:// 开头、不含空格的网址",
    "media_url is a URL starting with http:// or https://, without spaces",
);
const ATTRIBUTE_MISSING: Msg = msg!(
    "attribute_missing",
    "缺少必填的属性 {attribute}（见服务定义）",
    "The required attribute {attribute} was not provided (see the service definition)",
);
const ADDRESS_NOT_ONE: Msg = msg!(
    "address_not_one_community",
    "address_string 不能确定唯一的社区，请提供属性 {attribute}（社区代码，见服务定义）",
    "address_string names no single community: give the attribute {attribute} (the community's code, see the service definition)",
);
const ATTRIBUTE_CHOICE: Msg = msg!(
    "attribute_choice",
    "属性 {attribute} 的值应为 {codes} 之一",
    "The attribute {attribute} is one of {codes}",
);
const COMMUNITY_UNKNOWN: Msg = msg!(
    "community_unknown",
    "没有代码为 {value} 的社区（居民区/村）或网格",
    "No community or grid has the code {value}",
);

/// Checks a posted request whole: a 404 for an unknown service; else every fault at once
/// (400), by the spec's parameter — the service, the location, the media, the attributes,
/// then the desk's intake rules (`check_draft`: the appellant's name, phone and e-mail, the
/// description and address within their limits). The appellant is who the first and last
/// names say, with the phone and e-mail sent, as the public door takes one
/// (`public::appellant`: a phone without a name still lets them track it). The appeal is
/// public: the spec's model is a public request.
pub fn check_request(
    posted: &PostedRequest,
    facts: &RequestFacts,
) -> Result<CheckedRequest, Refusal> {
    let service_code = given(&posted.service_code);
    if let (Some(code), false) = (service_code, facts.service_known) {
        return Err(unknown_service(code));
    }
    let mut errors = Vec::new();
    if service_code.is_none() {
        errors.push(FieldError::new("service_code", &SERVICE_CODE_MISSING));
    }
    let location = location(posted, &mut errors);
    let media_url = media_url(posted.media_url.as_deref()).map_err(|e| errors.push(e));
    let kind = choice(posted, ATTR_KIND, Kind::parse, Kind::codes(), Kind::Help);
    let urgency = choice(
        posted,
        ATTR_URGENCY,
        Urgency::parse,
        Urgency::codes(),
        Urgency::Normal,
    );
    let (kind, urgency) = (
        kind.map_err(|e| errors.push(e)).unwrap_or(Kind::Help),
        urgency
            .map_err(|e| errors.push(e))
            .unwrap_or(Urgency::Normal),
    );
    let unit = community(posted, facts).map_err(|e| errors.push(e)).ok();
    let name = appellant_name(posted.first_name.as_deref(), posted.last_name.as_deref());
    let appellant = appellant(name, posted.phone.clone(), posted.email.clone());
    let draft = IntakeDraft {
        appellant_id: None,
        anonymous: appellant.is_none(),
        appellant,
        org_unit_id: unit.as_ref().map_or(0, |u| u.id),
        channel: facts.channel,
        matter: Matter {
            kind,
            category: service_code.unwrap_or_default().to_string(),
            urgency: Some(urgency),
            title: None,
            content: posted.description.clone().unwrap_or_default(),
            location: location.as_ref().and_then(|l| l.address.clone()),
            public_consent: true,
        },
    };
    let intake_facts = IntakeFacts {
        appellant_on_register: false,
        category_known: true,
        unit,
    };
    let checked = check_draft(draft, &intake_facts).map_err(|faults| {
        // The service and the community are said above, by their parameters.
        errors.extend(
            faults
                .into_iter()
                .filter(|e| e.field != "org_unit_id")
                .map(|e| {
                    let field = parameter(&e.field).to_string();
                    e.at(field)
                }),
        );
    });
    match (checked, location, media_url) {
        (Ok(intake), Some(location), Ok(media_url)) if errors.is_empty() => Ok(CheckedRequest {
            intake,
            location,
            media_url,
        }),
        _ => Err(Refusal::Invalid(errors)),
    }
}

/// The spec's parameter of a field of the desk's intake.
fn parameter(field: &str) -> &str {
    match field {
        "appellant.name" | "appellant" => "first_name",
        "appellant.phone" => "phone",
        "appellant.email" => "email",
        "content" | "title" => "description",
        "location" => "address_string",
        "category" => "service_code",
        other => other,
    }
}

/// A value as sent, trimmed, if anything is left.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The appellant's name from the spec's given and family names: a Chinese name family name
/// first with no space (王 + 小明 = 王小明), another given name first (John Smith).
pub fn appellant_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    fn trimmed(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|v| !v.is_empty())
    }
    let is_cjk = |s: &str| s.chars().any(|c| matches!(c, '\u{3400}'..='\u{9fff}'));
    match (trimmed(first), trimmed(last)) {
        (None, None) => None,
        (Some(one), None) | (None, Some(one)) => Some(one.to_string()),
        (Some(f), Some(l)) if is_cjk(f) || is_cjk(l) => Some(format!("{l}{f}")),
        (Some(f), Some(l)) => Some(format!("{f} {l}")),
    }
}

/// The location: `lat` and `long` (a map point as the public door takes one:
/// `MapPoint::given`), `address_string`, or both; one of them is required.
fn location(posted: &PostedRequest, errors: &mut Vec<FieldError>) -> Option<Location> {
    let address = given(&posted.address_string).map(str::to_string);
    let mut number = |field: &str, v: &Option<String>| -> Result<Option<f64>, ()> {
        let Some(v) = given(v) else { return Ok(None) };
        match v.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Some(n)),
            _ => {
                errors.push(FieldError::new(field, &NOT_A_NUMBER).with("field", field));
                Err(())
            }
        }
    };
    let (lat, long) = (number("lat", &posted.lat), number("long", &posted.long));
    let (Ok(lat), Ok(long)) = (lat, long) else {
        return None;
    };
    let point = match MapPoint::given(lat, long) {
        Ok(point) => point,
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    if point.is_none() && address.is_none() {
        errors.push(FieldError::new("address_string", &LOCATION_MISSING));
        return None;
    }
    Some(Location { point, address })
}

/// A media URL: none, or `http(s)://host…` of at most [`MAX_MEDIA_URL`] characters with no
/// space or control character.
pub fn media_url(url: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    if url.chars().count() > MAX_MEDIA_URL {
        return Err(FieldError::new("media_url", &TOO_LONG).with("max", MAX_MEDIA_URL));
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
    match host {
        Some(h) if !h.is_empty() && clean => Ok(Some(url.to_string())),
        _ => Err(FieldError::new("media_url", &MEDIA_URL_SHAPE)),
    }
}

/// A `singlevaluelist` attribute: its default when not sent, else one of its codes.
fn choice<T>(
    posted: &PostedRequest,
    code: &str,
    parse: fn(&str) -> Option<T>,
    codes: String,
    default: T,
) -> Result<T, FieldError> {
    match posted.attribute(code) {
        None => Ok(default),
        Some(v) => parse(v).ok_or_else(|| {
            FieldError::new(format!("attribute[{code}]"), &ATTRIBUTE_CHOICE)
                .with("attribute", format!("attribute[{code}]"))
                .with("codes", codes)
        }),
    }
}

/// The community the request concerns: the node its attribute names, which must be a
/// community or one of its grids (a grid's appeal is handled by its community); without the
/// attribute, the one its address names — else the attribute is asked for.
fn community(posted: &PostedRequest, facts: &RequestFacts) -> Result<OrgUnit, FieldError> {
    let field = format!("attribute[{ATTR_ORG_UNIT}]");
    let Some(code) = posted.attribute(ATTR_ORG_UNIT) else {
        return match &facts.unit {
            Some(u) if lives_there(u) => Ok(u.clone()),
            _ if given(&posted.address_string).is_some() => {
                Err(FieldError::new(&field, &ADDRESS_NOT_ONE).with("attribute", &field))
            }
            _ => Err(FieldError::new(&field, &ATTRIBUTE_MISSING).with("attribute", &field)),
        };
    };
    match &facts.unit {
        Some(u) if lives_there(u) => Ok(u.clone()),
        _ => {
            let shown: String = code.chars().take(40).collect();
            Err(FieldError::new(field, &COMMUNITY_UNKNOWN).with("value", shown))
        }
    }
}
