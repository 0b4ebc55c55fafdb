//! A URL-encoded form body as ordered pairs: repeated keys (check boxes) keep every value,
//! and each field is read as the handler needs it.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use suqiu_core::error::{FieldError, Msg, Reason};
use suqiu_core::msg;
use suqiu_core::validate::check_storable;
use suqiu_core::Id;

use super::UiError;

const FORM_SHAPE: Msg = msg!(
    "form_shape",
    "表单格式错误",
    "The form was not sent as a form"
);
const FORM_TOO_LARGE: Msg = msg!(
    "form_too_large",
    "提交的内容过大",
    "What was sent is too large"
);
const FORM_UNREADABLE: Msg = msg!(
    "form_unreadable",
    "无法读取表单",
    "The form could not be read"
);

#[derive(Debug, Clone, Default)]
pub(crate) struct FormData(Vec<(String, String)>);

impl FormData {
    #[cfg(test)]
    pub fn from_pairs(pairs: &[(&str, &str)]) -> FormData {
        FormData(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    /// Fields from elsewhere than a body (a GET form's query), to show them again.
    pub fn new(pairs: Vec<(String, String)>) -> FormData {
        FormData(pairs)
    }

    /// Fields read from a multipart form, held to the same rule as a URL-encoded one: a
    /// character no text may hold refuses the form, naming the field.
    pub fn from_multipart(pairs: Vec<(String, String)>) -> Result<FormData, UiError> {
        unstorable(&pairs).map_or(Ok(FormData(pairs)), |e| Err(UiError::Invalid(e)))
    }

    /// Every field as posted, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// The first value of `key`, trimmed; `None` when absent or blank.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The value as typed (untrimmed, "" when absent): what a failed form shows again.
    pub fn raw(&self, key: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Every non-blank value of `key`, in order.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }

    /// A check box: present with any value.
    pub fn checked(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// An id field: `Ok(None)` when blank, `Err` naming the field when not a positive integer.
    pub fn id(&self, key: &str) -> Result<Option<Id>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => match v.parse::<Id>() {
                Ok(id) if id > 0 => Ok(Some(id)),
                _ => Err(key.to_string()),
            },
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = UiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, UiError> {
        if crate::extract::media_type(req.headers()) != "application/x-www-form-urlencoded" {
            return Err(UiError::BadRequest(Reason::new(&FORM_SHAPE)));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rej| {
            if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
                UiError::BadRequest(Reason::new(&FORM_TOO_LARGE))
            } else {
                UiError::BadRequest(Reason::new(&FORM_UNREADABLE))
            }
        })?;
        let pairs = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .map_err(|_| UiError::BadRequest(Reason::new(&FORM_SHAPE)))?;
        unstorable(&pairs).map_or(Ok(FormData(pairs)), |e| Err(UiError::Invalid(e)))
    }
}

/// The first field whose name or value holds a character no text may (the API's rule,
/// [`check_storable`]): such a form is refused whole, naming the field.
fn unstorable(pairs: &[(String, String)]) -> Option<FieldError> {
    pairs.iter().find_map(|(k, v)| {
        let field = crate::extract::shown(k);
        check_storable(&field, k)
            .and_then(|_| check_storable(&field, v))
            .err()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_as_typed_and_checked() {
        let f = FormData::from_pairs(&[
            ("name", "  王阿姨 "),
            ("tags", "living_alone"),
            ("tags", " "),
            ("tags", "disabled"),
            ("org", "12"),
            ("bad", "x"),
        ]);
        assert_eq!(f.get("name"), Some("王阿姨"));
        assert_eq!(f.raw("name"), "  王阿姨 ");
        assert_eq!(f.get("missing"), None);
        assert_eq!(f.all("tags"), ["living_alone", "disabled"]);
        assert_eq!(f.id("org"), Ok(Some(12)));
        assert_eq!(f.id("missing"), Ok(None));
        assert_eq!(f.id("bad"), Err("bad".to_string()));
        assert!(f.checked("org") && !f.checked("missing"));
    }
}
