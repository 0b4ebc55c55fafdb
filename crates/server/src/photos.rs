//! The photos a resident sends with a public appeal, as they are kept: decoded (JPEG or PNG
//! only), turned upright as the camera said, scaled to at most 1,600 px on the long side and
//! encoded afresh as a JPEG (`suqiu_core::photo`). Only the pixels go through: EXIF, GPS and
//! every other metadata the phone wrote are left behind with the bytes as sent.
//!
//! Decoding is heavy and a flood of uploads must not take the server down: it runs off the
//! async threads (`spawn_blocking`), at most one photo per core at once
//! ([`AppState::darkroom`]), and the decoder refuses a picture claiming more than
//! [`MAX_DECODED_SIDE`] px a side or [`MAX_ALLOC`] bytes of pixels before allocating them
//! (a decompression bomb: a few KB that would open as billions of pixels).

use std::io::Cursor;

use axum::http::StatusCode;
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use suqiu_core::photo::{check_sent, kept_size, PhotoFault, MAX_DECODED_SIDE, QUALITY};
use suqiu_store::public::KeptPhoto;

use crate::app::{AppError, AppResult};
use crate::problem::Problem;
use crate::state::AppState;
use crate::upload::SentPhotos;

/// The most bytes of pixels one photo may open into (a 50-megapixel phone picture is 150
/// MB; with one photo per core at once, memory stays bounded).
pub(crate) const MAX_ALLOC: u64 = 256 * 1024 * 1024;

/// Photos decoded at once: one per core.
pub(crate) fn darkroom_size() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A photo's fault as the use case refuses it: under the field `photos`, 413 when it is
/// too large, 422 otherwise.
pub(crate) fn refusal(fault: PhotoFault, nth: Option<usize>) -> AppError {
    let error = fault.error(nth);
    if !fault.too_large() {
        return AppError::Invalid(vec![error]);
    }
    let mut p = Problem::invalid(vec![error]);
    p.status = StatusCode::PAYLOAD_TOO_LARGE.as_u16();
    p.type_ = "urn:suqiu:problem:payload-too-large";
    p.title = "照片太大";
    AppError::Problem(p)
}

/// The photos as sent, checked (how many, how large) and developed one by one; the first
/// that fails refuses them all (nothing is kept of an appeal refused).
pub(crate) async fn develop_all(state: &AppState, sent: SentPhotos) -> AppResult<Vec<KeptPhoto>> {
    if let Err((fault, nth)) = check_sent(&sent.sizes) {
        return Err(refusal(fault, nth));
    }
    let mut kept = Vec::with_capacity(sent.kept.len());
    for (i, bytes) in sent.kept.into_iter().enumerate() {
        let permit = state
            .darkroom
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AppError::Internal)?;
        let developed = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            develop(&bytes)
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "developing a photo failed");
            AppError::Internal
        })?;
        kept.push(developed.map_err(|fault| refusal(fault, Some(i + 1)))?);
    }
    Ok(kept)
}

/// One photo as kept, or why not.
pub(crate) fn develop(bytes: &[u8]) -> Result<KeptPhoto, PhotoFault> {
    match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg | ImageFormat::Png) => {}
        Ok(_) => return Err(PhotoFault::OtherFormat),
        Err(_) => return Err(PhotoFault::NotAnImage),
    }
    let unreadable = |_: image::ImageError| PhotoFault::NotAnImage;
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PhotoFault::NotAnImage)?;
    reader.limits(limits());
    // The decoder checks the sides against the limits from the header alone.
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    if decoder.total_bytes() > MAX_ALLOC {
        return Err(PhotoFault::NotAnImage);
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    picture.apply_orientation(orientation);
    let (width, height) = kept_size(picture.width(), picture.height());
    if (width, height) != (picture.width(), picture.height()) {
        picture = picture.resize_exact(width, height, FilterType::Triangle);
    }
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, QUALITY)
        .encode_image(&picture.to_rgb8())
        .map_err(unreadable)?;
    Ok(KeptPhoto {
        bytes: out,
        width,
        height,
    })
}

/// A kept photo as a response: a JPEG, never cached (it is personal data: the security
/// headers say `no-store`), never sniffed as anything else.
pub(crate) fn jpeg_response(bytes: Vec<u8>) -> axum::response::Response {
    use axum::response::IntoResponse;
    ([(axum::http::header::CONTENT_TYPE, "image/jpeg")], bytes).into_response()
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODED_SIDE);
    limits.max_image_height = Some(MAX_DECODED_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = ImageBuffer::from_pixel(width, height, Rgb([200u8, 30, 30]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_large_png_is_kept_as_a_jpeg_of_1600_px() {
        let kept = develop(&png(2000, 1000)).unwrap();
        assert_eq!((kept.width, kept.height), (1600, 800));
        assert_eq!(image::guess_format(&kept.bytes).unwrap(), ImageFormat::Jpeg);
        let back = image::load_from_memory(&kept.bytes).unwrap();
        assert_eq!((back.width(), back.height()), (1600, 800));
    }

    #[test]
    fn a_picture_claiming_50000_px_a_side_is_refused_unopened() {
        // A JPEG of a few hundred bytes whose frame header (SOF0) says 50000 × 50000: opened,
        // it would take 7.5 GB; the decoder refuses it from the header alone.
        let mut bomb = Vec::new();
        DynamicImage::ImageRgb8(ImageBuffer::from_pixel(8, 8, Rgb([1u8, 2, 3])))
            .write_to(&mut Cursor::new(&mut bomb), ImageFormat::Jpeg)
            .unwrap();
        let sof = bomb
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .expect("SOF0");
        bomb[sof + 5..sof + 7].copy_from_slice(&50_000u16.to_be_bytes());
        bomb[sof + 7..sof + 9].copy_from_slice(&50_000u16.to_be_bytes());
        assert!(bomb.len() < 2_000);
        assert_eq!(develop(&bomb).unwrap_err(), PhotoFault::NotAnImage);
    }

    #[test]
    fn other_things_are_refused_by_what_they_are() {
        assert_eq!(develop(b"hello").unwrap_err(), PhotoFault::NotAnImage);
        assert_eq!(
            develop(b"GIF89a\x01\x00").unwrap_err(),
            PhotoFault::OtherFormat
        );
        let mut cut = png(40, 40);
        cut.truncate(cut.len() / 2);
        assert_eq!(develop(&cut).unwrap_err(), PhotoFault::NotAnImage);
    }
}
