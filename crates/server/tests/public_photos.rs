//! Photos with a public appeal (`/p/new`, `POST /api/v1/public/appeals` as multipart): kept
//! re-encoded, without the metadata they came with (an EXIF GPS block is gone), scaled to
//! 1,600 px; what may not be kept is refused on the field `photos` with nothing saved; staff
//! of the appeal's scope see them, every read recorded; on SQLite and PostgreSQL.

mod common;

use std::io::Cursor;

use chrono::TimeDelta;
use common::browser::{hidden_value, Browser};
use common::{Backend, TestApp};
use image::{DynamicImage, ImageBuffer, ImageFormat, Rgb};
use serde_json::{json, Value};
use suqiu_testkit::http::Resp;

on_both_backends!(
    a_photo_is_kept_without_its_metadata_and_shown_to_staff_in_scope,
    photos_that_may_not_be_kept_are_refused_and_nothing_is_saved,
    the_form_takes_photos_and_asks_for_them_again_when_it_fails,
);

const BOUNDARY: &str = "----suqiu-photos";

/// A file part: its field, its file name, its bytes.
type File<'a> = (&'a str, &'a str, &'a [u8]);

/// A multipart body: text fields, then files (name, file name, bytes).
fn multipart(fields: &[(&str, &str)], files: &[File]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    for (name, file, bytes) in files {
        body.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

fn picture(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let img = ImageBuffer::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), format)
        .expect("encode");
    out
}

/// A JPEG as a phone writes one: an APP1 Exif segment right after SOI, whose TIFF directory
/// points to a GPS directory, with the position written out as text too.
fn jpeg_with_gps() -> Vec<u8> {
    let plain = picture(64, 48, ImageFormat::Jpeg);
    let mut tiff: Vec<u8> = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    // IFD0: one entry, GPSInfo (0x8825, LONG, 1) → the GPS IFD at offset 26.
    tiff.extend([0x00, 0x01, 0x88, 0x25, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01]);
    tiff.extend([0x00, 0x00, 0x00, 0x1a, 0x00, 0x00, 0x00, 0x00]);
    // The GPS IFD: no entries; then the position as a phone app notes it.
    tiff.extend([0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
    tiff.extend(b"GPS 31.0301N 121.2277E");
    let mut payload = b"Exif\x00\x00".to_vec();
    payload.extend(tiff);
    let len = u16::try_from(payload.len() + 2).expect("short");
    let mut out = plain[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(len.to_be_bytes());
    out.extend(payload);
    out.extend_from_slice(&plain[2..]);
    out
}

/// The markers of a JPEG's header segments, up to the start of the scan.
fn markers(jpeg: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], [0xFF, 0xD8], "a JPEG");
    let (mut at, mut found) = (2, Vec::new());
    while at + 4 <= jpeg.len() && jpeg[at] == 0xFF {
        let marker = jpeg[at + 1];
        found.push(marker);
        if marker == 0xDA {
            break;
        }
        let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        at += 2 + len;
    }
    found
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn appeal(t: &TestApp) -> Value {
    json!({
        "org_unit_id": t.fx.c11, "kind": "complaint",
        "content": "小区门口的窨井盖缺了一块，很危险。", "location": "谷水苑北门",
        "phone": "13700007777", "public_consent": true,
    })
}

async fn post_multipart(t: &TestApp, (ct, body): (String, Vec<u8>)) -> Resp {
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/public/appeals")
        .header("content-type", ct)
        .body(axum::body::Body::from(body))
        .expect("request");
    t.send(req).await
}

/// The id of the appeal with `code`, as the station finds it.
async fn id_of(t: &TestApp, code: &str) -> i64 {
    t.in_queue("station11", |a| a["tracking_code"] == code)
        .await
        .and_then(|a| a["id"].as_i64())
        .expect("in the queue")
}

async fn a_photo_is_kept_without_its_metadata_and_shown_to_staff_in_scope(b: Backend) {
    let t = TestApp::new(b).await;
    let phone = jpeg_with_gps();
    assert!(markers(&phone).contains(&0xE1) && contains(&phone, b"GPS"));
    let big = picture(2000, 1500, ImageFormat::Png);
    let json = appeal(&t).to_string();
    let sent = multipart(
        &[("appeal", &json)],
        &[
            ("photo", "IMG_0001.jpg", &phone),
            ("photo", "scan.png", &big),
        ],
    );
    let res = post_multipart(&t, sent).await;
    let code = res.ok(201)["tracking_code"]
        .as_str()
        .expect("code")
        .to_string();
    let id = id_of(&t, &code).await;

    let token = t.token("station11").await;
    let first = t
        .get(&format!("/api/v1/appeals/{id}/photos/1"), &token)
        .await;
    assert_eq!(first.status.as_u16(), 200);
    assert_eq!(first.content_type(), "image/jpeg");
    let kept = first.bytes.clone();
    assert!(
        !markers(&kept).contains(&0xE1),
        "no APP1: {:x?}",
        markers(&kept)
    );
    assert!(
        !contains(&kept, b"Exif") && !contains(&kept, b"GPS"),
        "no metadata"
    );
    let second = t
        .get(&format!("/api/v1/appeals/{id}/photos/2"), &token)
        .await;
    let scaled = image::load_from_memory(&second.bytes).expect("a picture");
    assert_eq!((scaled.width(), scaled.height()), (1600, 1200));
    t.get(&format!("/api/v1/appeals/{id}/photos/3"), &token)
        .await
        .problem(404);
    // Another street's station does not see the appeal, nor its photos.
    let other = t.token("station21").await;
    t.get(&format!("/api/v1/appeals/{id}/photos/1"), &other)
        .await
        .problem(404);

    // On the appeal's page: thumbnails opening the full size, through the audited route.
    let mut web = Browser::sign_in(&t, "station11").await;
    let html = web.get(&format!("/appeals/{id}")).await.text();
    assert!(html.contains("data-testid=\"photos\""), "{html}");
    assert!(
        html.contains(&format!("href=\"/appeals/{id}/photos/2\"")),
        "{html}"
    );
    let full = web.get(&format!("/appeals/{id}/photos/1")).await;
    assert_eq!(
        (full.status.as_u16(), full.content_type()),
        (200, "image/jpeg")
    );
    assert_eq!(full.bytes.clone(), kept);
    // Every read is recorded, whatever the role.
    let admin = t.token("admin").await;
    let reads = t
        .get(&format!("/api/v1/audit/reads?appeal_id={id}"), &admin)
        .await;
    let text = reads.ok(200).to_string();
    assert!(text.contains("/photos/{seq}"), "{text}");
    // The OpenAPI document says the route takes either body.
    let doc = t
        .call(axum::http::Method::GET, "/api/openapi.json", None, None)
        .await;
    let content = &doc.ok(200)["paths"]["/api/v1/public/appeals"]["post"]["requestBody"]["content"];
    assert!(content["multipart/form-data"].is_object(), "{content}");
    assert!(content["application/json"].is_object(), "{content}");
    // Not on the public board.
    let board = Browser::new(&t).get("/p/board").await.text();
    assert!(!board.contains("/photos/"), "{board}");
}

async fn photos_that_may_not_be_kept_are_refused_and_nothing_is_saved(b: Backend) {
    let t = TestApp::new(b).await;
    let before = t.appeal_count().await;
    let json = appeal(&t).to_string();
    let small = picture(8, 8, ImageFormat::Png);
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
    let mut bomb = picture(8, 8, ImageFormat::Jpeg);
    let sof = bomb
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("SOF0");
    bomb[sof + 5..sof + 9].copy_from_slice(&[0xC3, 0x50, 0xC3, 0x50]);
    let huge = vec![0u8; 8 * 1024 * 1024 + 1];
    let four: Vec<File> = (0..4).map(|_| ("photo", "a.png", &small[..])).collect();
    let cases: [(Vec<File>, u16, &str); 5] = [
        (four, 422, "最多上传 3 张"),
        (vec![("photo", "a.gif", &gif)], 422, "JPEG 或 PNG"),
        (
            vec![("photo", "a.txt", b"not a picture at all")],
            422,
            "不是可以读取的照片",
        ),
        (
            vec![("photo", "bomb.jpg", &bomb)],
            422,
            "不是可以读取的照片",
        ),
        (
            vec![("photo", "ok.png", &small), ("photo", "big.jpg", &huge)],
            413,
            "第 2 张照片太大",
        ),
    ];
    for (files, status, says) in cases {
        let res = post_multipart(&t, multipart(&[("appeal", &json)], &files)).await;
        let p = res.problem(status);
        assert_eq!(p["errors"][0]["field"], "photos", "{p}");
        let message = p["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{says}: {p}");
    }
    // A multipart body without its appeal part names it.
    let res = post_multipart(&t, multipart(&[], &[("photo", "a.png", &small)])).await;
    assert_eq!(res.problem(422)["errors"][0]["field"], "appeal");
    assert_eq!(t.appeal_count().await, before, "nothing stored");
    // The JSON body alone stays as it was.
    t.post_anonymous("/api/v1/public/appeals", appeal(&t))
        .await
        .ok(201);
}

async fn the_form_takes_photos_and_asks_for_them_again_when_it_fails(b: Backend) {
    let t = TestApp::new(b).await;
    let mut web = Browser::new(&t);
    let html = web.get("/p/new").await.text();
    assert!(html.contains("enctype=\"multipart/form-data\""), "{html}");
    assert!(html.contains("type=\"file\""), "{html}");
    let stamp = hidden_value(&html, "_t").expect("a stamp");
    t.clock.advance(TimeDelta::minutes(1));
    let c11 = t.fx.c11.to_string();
    let photo = jpeg_with_gps();
    let csrf = web.csrf.clone();
    let mut fields = vec![
        ("_csrf", csrf.as_str()),
        ("_t", stamp.as_str()),
        ("org_unit_id", c11.as_str()),
        ("content", "健身器材的螺丝松了，老人锻炼不安全"),
        ("location", "谷水苑中心花园"),
        ("website", ""),
    ];
    // Without the kind: refused, every value kept, the photo to be chosen again.
    let (ct, body) = multipart(&fields, &[("photos", "IMG_2.jpg", &photo)]);
    let res = web
        .send(axum::http::Method::POST, "/p/new", Some(&ct), body)
        .await;
    assert_eq!(res.status.as_u16(), 422, "{}", res.text());
    let html = res.text();
    assert!(html.contains("健身器材的螺丝松了"), "{html}");
    assert!(html.contains("data-testid=\"photos-again\""), "{html}");
    let stamp = hidden_value(&html, "_t").expect("a new stamp");
    let csrf = web.csrf.clone();
    t.clock.advance(TimeDelta::minutes(1));
    fields[0].1 = csrf.as_str();
    fields[1].1 = stamp.as_str();
    fields.push(("kind", "report"));
    let (ct, body) = multipart(
        &fields,
        &[("photos", "IMG_2.jpg", &photo), ("photos", "", b"")],
    );
    let res = web
        .send(axum::http::Method::POST, "/p/new", Some(&ct), body)
        .await;
    assert_eq!(res.status.as_u16(), 200, "{}", res.text());
    let code = hidden_code(&res.text());
    let id = id_of(&t, &code).await;
    let token = t.token("station11").await;
    let kept = t
        .get(&format!("/api/v1/appeals/{id}/photos/1"), &token)
        .await;
    assert_eq!(kept.status.as_u16(), 200);
    assert!(!contains(&kept.bytes, b"GPS"));
    // The empty file input sent no second photo.
    t.get(&format!("/api/v1/appeals/{id}/photos/2"), &token)
        .await
        .problem(404);
}

/// The tracking code on the receipt page.
fn hidden_code(html: &str) -> String {
    let mark = "data-testid=\"tracking-code\">";
    let at = html.find(mark).expect("a tracking code on the receipt") + mark.len();
    html[at..].chars().take_while(|c| *c != '<').collect()
}
