//! Errors shared by the domain modules.

use serde::Serialize;

/// One invalid input field, with a message in Chinese for the person who typed it.
///
/// `field` is the wire name of the field (`phone`, `id_number`, …) so a form can show the
/// message next to the right input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}
