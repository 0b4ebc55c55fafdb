//! The photos a resident may send with a public appeal (`/p/new`, `POST
//! /api/v1/public/appeals`): how many, how large as sent, which formats, and the size they
//! are kept at. The server decodes and re-encodes them (`suqiu_server`'s `photos`), which
//! drops EXIF, GPS and every other metadata: what is kept is only the picture.
//!
//! Every fault is the field `photos`'s, in the resident's words; one that says "too large"
//! is a 413, the others a 422 ([`PhotoFault::too_large`]).

use crate::error::{FieldError, Msg};
use crate::msg;

/// The field photos are sent and refused under.
pub const FIELD: &str = "photos";
/// Most photos with one appeal.
pub const MAX_PHOTOS: usize = 3;
/// Largest photo as sent (a phone's camera writes 2–6 MB).
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// The longest side a photo is kept at, in pixels: enough to read a sign or a crack.
pub const MAX_SIDE: u32 = 1600;
/// Largest side a photo may claim before it is decoded at all: a header announcing more is a
/// decompression bomb (or no phone's), refused without allocating it.
pub const MAX_DECODED_SIDE: u32 = 12_000;
/// The JPEG quality photos are kept at.
pub const QUALITY: u8 = 82;

/// Why a photo is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoFault {
    TooMany,
    TooLarge,
    /// Not a picture at all, or one that cannot be read (damaged, cut short, too many pixels).
    NotAnImage,
    /// A picture, but not JPEG or PNG (HEIC, WebP, GIF …).
    OtherFormat,
}

impl PhotoFault {
    /// The fault under the field `photos`, saying which photo (1-based) where it is one's.
    pub fn error(self, nth: Option<usize>) -> FieldError {
        let e = match self {
            PhotoFault::TooMany => FieldError::new(FIELD, &TOO_MANY).with("max", MAX_PHOTOS),
            PhotoFault::TooLarge => {
                FieldError::new(FIELD, &TOO_LARGE).with("max", MAX_BYTES / (1024 * 1024))
            }
            PhotoFault::NotAnImage => FieldError::new(FIELD, &NOT_AN_IMAGE),
            PhotoFault::OtherFormat => FieldError::new(FIELD, &OTHER_FORMAT),
        };
        match nth {
            Some(n) => e.with_words("nth", &format!("第 {n} 张"), &format!("{n} ")),
            None => e.with_words("nth", "", ""),
        }
    }

    /// A photo too large is refused with 413 (the request is too large), the rest with 422.
    pub fn too_large(self) -> bool {
        self == PhotoFault::TooLarge
    }
}

/// The photos as sent, by their sizes in bytes: at most [`MAX_PHOTOS`], each at most
/// [`MAX_BYTES`] — the first fault found (a count first: the rest is not worth reading).
pub fn check_sent(sizes: &[usize]) -> Result<(), (PhotoFault, Option<usize>)> {
    if sizes.len() > MAX_PHOTOS {
        return Err((PhotoFault::TooMany, None));
    }
    match sizes.iter().position(|&n| n > MAX_BYTES) {
        Some(i) => Err((PhotoFault::TooLarge, Some(i + 1))),
        None => Ok(()),
    }
}

/// The size a `width` × `height` picture is kept at: its long side at most [`MAX_SIDE`],
/// the proportions kept, never enlarged, never below one pixel.
pub fn kept_size(width: u32, height: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= MAX_SIDE {
        return (width, height);
    }
    let scale = |side: u32| {
        let scaled = u64::from(side) * u64::from(MAX_SIDE) / u64::from(long);
        u32::try_from(scaled).unwrap_or(MAX_SIDE).max(1)
    };
    (scale(width), scale(height))
}

const TOO_MANY: Msg = msg!(
    "photos_too_many",
    "最多上传 {max} 张照片",
    "At most {max} photos",
);
const TOO_LARGE: Msg = msg!(
    "photo_too_large",
    "{nth}照片太大：每张不超过 {max} MB",
    "Photo {nth}is too large: at most {max} MB each",
);
const NOT_AN_IMAGE: Msg = msg!(
    "photo_not_an_image",
    "{nth}文件不是可以读取的照片，请重新选择",
    "File {nth}is not a photo that can be read: choose it again",
);
const OTHER_FORMAT: Msg = msg!(
    "photo_format",
    "{nth}照片格式不支持：只接受 JPEG 或 PNG",
    "Photo {nth}is not in a format taken: JPEG or PNG only",
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn three_photos_of_eight_megabytes_at_most() {
        assert_eq!(check_sent(&[]), Ok(()));
        assert_eq!(check_sent(&[MAX_BYTES, 1, 2]), Ok(()));
        assert_eq!(check_sent(&[1, 2, 3, 4]), Err((PhotoFault::TooMany, None)));
        assert_eq!(
            check_sent(&[1, MAX_BYTES + 1]),
            Err((PhotoFault::TooLarge, Some(2)))
        );
        let e = PhotoFault::TooLarge.error(Some(2));
        assert_eq!(e.field, "photos");
        assert!(e.message.contains("第 2 张照片太大"), "{}", e.message);
        assert!(e.message.contains("8 MB"), "{}", e.message);
        assert!(PhotoFault::TooLarge.too_large() && !PhotoFault::TooMany.too_large());
    }

    #[test]
    fn a_large_picture_is_scaled_to_its_long_side() {
        assert_eq!(kept_size(4000, 3000), (1600, 1200));
        assert_eq!(kept_size(3000, 4000), (1200, 1600));
        assert_eq!(kept_size(800, 600), (800, 600));
        assert_eq!(kept_size(20_000, 1), (1600, 1));
    }

    proptest! {
        #[test]
        fn the_kept_size_fits_and_keeps_proportions(w in 1u32..20_000, h in 1u32..20_000) {
            let (kw, kh) = kept_size(w, h);
            prop_assert!(kw.max(kh) <= MAX_SIDE);
            prop_assert!(kw >= 1 && kh >= 1 && kw <= w && kh <= h);
            if w.max(h) > MAX_SIDE {
                prop_assert_eq!(kw.max(kh), MAX_SIDE);
            }
        }
    }
}
