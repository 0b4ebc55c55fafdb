//! A public appeal sent as `multipart/form-data` (the `/p/new` form with its photos, and
//! `POST /api/v1/public/appeals` with an `appeal` part of JSON and `photo` parts): its text
//! fields, and its photos read no further than the rules let them be kept.
//!
//! A photo larger than `suqiu_core::photo::MAX_BYTES`, or beyond the third, is read to the
//! end of its part (the form's later fields are still wanted, to show them again) but not
//! kept: only its size is, for the rules to refuse it by (`suqiu_core::photo::check_sent`).

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use suqiu_core::photo::{MAX_BYTES, MAX_PHOTOS};

use crate::problem::Problem;
use crate::state::AppState;

/// The names a photo part may have: `photo` (each file) or `photos` (a multiple file input).
const PHOTO_PARTS: [&str; 2] = ["photo", "photos"];

/// What a multipart public appeal carried.
#[derive(Debug, Default)]
pub(crate) struct SentForm {
    /// The text fields, in the order sent.
    pub fields: Vec<(String, String)>,
    pub photos: SentPhotos,
}

/// The photos sent: the size of each, and the bytes of those that may be kept.
#[derive(Debug, Default)]
pub(crate) struct SentPhotos {
    pub sizes: Vec<usize>,
    /// The bytes, while every photo so far is within the rules (all of them when none is
    /// refused).
    pub kept: Vec<Bytes>,
}

impl SentPhotos {
    pub(crate) fn none() -> SentPhotos {
        SentPhotos::default()
    }
}

/// A part that could not be read: the body cut short, or over the route's limit (413).
fn unreadable(status: StatusCode) -> Problem {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        Problem::too_large_for(crate::MAX_PUBLIC_BODY_BYTES)
    } else {
        Problem::bad_request("无法读取提交的表单（multipart/form-data）")
    }
}

/// Reads a multipart public appeal. A file input left empty (no file chosen) sends a part
/// with no bytes: it is no photo.
pub(crate) async fn read(req: Request, state: &AppState) -> Result<SentForm, Problem> {
    let mut form = Multipart::from_request(req, state)
        .await
        .map_err(|rej| unreadable(rej.status()))?;
    let mut sent = SentForm::default();
    while let Some(mut field) = form
        .next_field()
        .await
        .map_err(|e| unreadable(e.status()))?
    {
        let name = field.name().unwrap_or("").to_string();
        if !PHOTO_PARTS.contains(&name.as_str()) {
            let text = field.text().await.map_err(|e| unreadable(e.status()))?;
            sent.fields.push((name, text));
            continue;
        }
        let keep = sent.photos.sizes.len() < MAX_PHOTOS
            && sent.photos.sizes.iter().all(|&n| n <= MAX_BYTES);
        let mut bytes = Vec::new();
        let mut size = 0usize;
        while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(e.status()))? {
            size += chunk.len();
            if keep && size <= MAX_BYTES {
                bytes.extend_from_slice(&chunk);
            }
        }
        if size == 0 {
            continue;
        }
        sent.photos.sizes.push(size);
        if keep && size <= MAX_BYTES {
            sent.photos.kept.push(Bytes::from(bytes));
        }
    }
    Ok(sent)
}
