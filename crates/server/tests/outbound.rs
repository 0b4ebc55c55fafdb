//! Outbound delivery against local receivers started by the test: an SMTP sink speaking just
//! enough SMTP, and an axum webhook receiver that checks the signature and can be made to fail.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use chrono::TimeDelta;
use common::{shanghai_time, Backend, TestApp};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use suqiu_server::jobs::outbound::run_once;
use suqiu_store::settings;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::rustls;

on_both_backends!(
    email_and_webhook_delivered,
    a_failing_webhook_is_retried_and_logged,
    an_https_webhook_trusts_the_district_ca_only
);

const SECRET: &str = "test-secret-0123456789";

/// What the receiver got: (signature header, body) per request.
type Received = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A webhook receiver: records (signature header, body) and answers 200, or 500 while
/// `failing` is set.
#[derive(Clone, Default)]
struct Receiver {
    got: Received,
    failing: Arc<AtomicBool>,
    hits: Arc<AtomicUsize>,
}

async fn hook(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    r.hits.fetch_add(1, Ordering::SeqCst);
    if r.failing.load(Ordering::SeqCst) {
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    let sig = headers
        .get("x-suqiu-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    r.got.lock().expect("lock").push((sig, body.to_vec()));
    StatusCode::OK
}

async fn start_receiver() -> (Receiver, String) {
    let r = Receiver::default();
    let app = Router::new()
        .route("/hook", post(hook))
        .with_state(r.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (r, format!("http://{addr}/hook"))
}

/// An SMTP sink: accepts every message and keeps its DATA.
async fn start_smtp_sink() -> (Arc<Mutex<Vec<String>>>, u16) {
    let mails = Arc::new(Mutex::new(Vec::new()));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let store = Arc::clone(&mails);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ready\r\n").await;
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(d) = data.as_mut() {
                        if line == "." {
                            store.lock().expect("lock").push(std::mem::take(d));
                            data = None;
                            let _ = write.write_all(b"250 queued\r\n").await;
                        } else {
                            d.push_str(&line);
                            d.push('\n');
                        }
                        continue;
                    }
                    let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 sink\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    let _ = write.write_all(reply).await;
                }
            });
        }
    });
    (mails, port)
}

fn expected_signature(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Queued messages whose content is still kept.
async fn payloads_kept(t: &TestApp) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&t.url).await.expect("connect");
    let row = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE payload <> ''")
        .fetch_one(&pool)
        .await
        .expect("count");
    let n: i64 = sqlx::Row::get(&row, "n");
    pool.close().await;
    n
}

async fn configure(t: &TestApp, cfg: Value) {
    t.store
        .put_setting(settings::OUTBOUND, &cfg.to_string())
        .await
        .expect("configure outbound");
}

async fn email_and_webhook_delivered(b: Backend) {
    let t = TestApp::new(b).await;
    let (receiver, url) = start_receiver().await;
    let (sink, port) = start_smtp_sink().await;
    // Off by default: an action queues, and nothing goes anywhere.
    let a = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let id = a["id"].as_i64().expect("id");
    let code = a["tracking_code"].as_str().expect("code").to_string();
    t.act_ok("station11", id, json!({"action": "accept"})).await;
    let now = t.clock.now();
    let r = run_once(&t.state, now).await.expect("run");
    assert_eq!((r.dispatched, r.sent, r.failed), (1, 0, 0));
    assert_eq!(receiver.hits.load(Ordering::SeqCst), 0);
    assert_eq!(payloads_kept(&t).await, 0, "not sent, so not kept");

    configure(
        &t,
        json!({
            "email": {"host": "127.0.0.1", "port": port, "from": "suqiu@district.example",
                      "to": ["duty@district.example"]},
            "webhook": {"url": url, "secret": SECRET},
        }),
    )
    .await;
    // The appellant hears of the resolution (webhook to the SMS gateway); the station's
    // supervision notice goes by e-mail and webhook.
    t.act_ok(
        "street1",
        id,
        json!({"action": "supervise", "note": "请尽快办结"}),
    )
    .await;
    t.act_ok(
        "station11",
        id,
        json!({"action": "resolve", "resolution": "solved", "note": "已维修"}),
    )
    .await;
    let r = run_once(&t.state, now).await.expect("run");
    assert_eq!((r.dispatched, r.sent, r.failed), (2, 3, 0), "{r:?}");

    let got = receiver.got.lock().expect("lock").clone();
    assert_eq!(got.len(), 2);
    let mut kinds = Vec::new();
    for (sig, body) in &got {
        assert_eq!(
            sig,
            &expected_signature(body),
            "signed with the district's secret"
        );
        let doc: Value = serde_json::from_slice(body).expect("JSON");
        kinds.push(doc["type"].as_str().unwrap_or_default().to_string());
        if doc["type"] == "appellant_message" {
            assert_eq!(doc["event"], "resolved");
            assert_eq!(doc["phone"], "13912345678");
            assert_eq!(doc["tracking_code"], code.as_str());
            assert!(doc["text"].as_str().is_some_and(|x| x.contains(&code)));
        } else {
            assert_eq!(doc["kind"], "supervised");
            assert!(doc["body"]
                .as_str()
                .is_some_and(|x| x.contains("请尽快办结")));
        }
    }
    kinds.sort();
    assert_eq!(kinds, ["appellant_message", "notice"]);
    let mails = sink.lock().expect("lock").clone();
    assert_eq!(
        mails.len(),
        1,
        "one notice e-mailed; appellant messages are not"
    );
    assert!(mails[0].contains("duty@district.example"), "{}", mails[0]);
    let log = t.store.delivery_log().await.expect("log");
    assert_eq!(log.len(), 3);
    assert!(log
        .iter()
        .all(|l| l.ok && l.state == "sent" && l.attempts == 1));
    assert_eq!(payloads_kept(&t).await, 0, "delivered, so no longer kept");
    // Nothing is sent twice.
    let r = run_once(&t.state, now + TimeDelta::hours(1))
        .await
        .expect("run");
    assert_eq!((r.dispatched, r.sent, r.failed), (0, 0, 0));

    // An appellant who left only an e-mail address is mailed the code (not the duty
    // mailboxes), and the gateway hears of it without a phone.
    let mut body = TestApp::appeal_body(t.fx.c11);
    body["appellant"] = json!({"name": "李先生", "email": " li.xiansheng@example.com "});
    let b2 = t.create_appeal("station11", body).await;
    let id2 = b2["id"].as_i64().expect("id");
    t.act_ok("station11", id2, json!({"action": "accept"}))
        .await;
    let r = run_once(&t.state, now).await.expect("run");
    assert_eq!((r.dispatched, r.sent, r.failed), (1, 2, 0), "{r:?}");
    let mails = sink.lock().expect("lock").clone();
    let mail = mails.last().expect("a mail");
    assert!(mail.contains("To: li.xiansheng@example.com"), "{mail}");
    assert!(!mail.contains("duty@district.example"), "{mail}");
    let got = receiver.got.lock().expect("lock").clone();
    let doc: Value = serde_json::from_slice(&got.last().expect("a hook").1).expect("JSON");
    assert_eq!(doc["email"], "li.xiansheng@example.com");
    assert_eq!(doc["event"], "accepted");
    assert!(doc.get("phone").is_none(), "{doc}");
    t.finish().await;
}

async fn a_failing_webhook_is_retried_and_logged(b: Backend) {
    let t = TestApp::new(b).await;
    let (receiver, url) = start_receiver().await;
    configure(&t, json!({"webhook": {"url": url, "secret": SECRET}})).await;
    receiver.failing.store(true, Ordering::SeqCst);
    let now = shanghai_time(2026, 11, 24, 11, 0);
    t.clock.set(now);
    let a = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let id = a["id"].as_i64().expect("id");
    // The action does not wait for the gateway: it is done before any delivery is tried.
    let accepted = t.act_ok("station11", id, json!({"action": "accept"})).await;
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(receiver.hits.load(Ordering::SeqCst), 0);

    let r = run_once(&t.state, now).await.expect("run");
    assert_eq!((r.sent, r.failed), (0, 1));
    assert_eq!(payloads_kept(&t).await, 1, "kept for the retry");
    // Not due again before the 30 s backoff; then it fails again (next wait 60 s) …
    let r = run_once(&t.state, now + TimeDelta::seconds(20))
        .await
        .expect("run");
    assert_eq!((r.sent, r.failed), (0, 0));
    let r = run_once(&t.state, now + TimeDelta::seconds(31))
        .await
        .expect("run");
    assert_eq!((r.sent, r.failed), (0, 1));
    let r = run_once(&t.state, now + TimeDelta::seconds(80))
        .await
        .expect("run");
    assert_eq!((r.sent, r.failed), (0, 0));
    // … and once the gateway is back, it goes through.
    receiver.failing.store(false, Ordering::SeqCst);
    let r = run_once(&t.state, now + TimeDelta::seconds(92))
        .await
        .expect("run");
    assert_eq!((r.sent, r.failed), (1, 0));
    assert_eq!(receiver.hits.load(Ordering::SeqCst), 3);
    let log = t.store.delivery_log().await.expect("log");
    let oks: Vec<bool> = log.iter().map(|l| l.ok).collect();
    assert_eq!(oks, [false, false, true]);
    assert_eq!(log[0].detail, "HTTP 500");
    assert_eq!(log[2].state, "sent");
    assert_eq!(log[2].attempts, 3);
    assert_eq!(payloads_kept(&t).await, 0, "sent at last, no longer kept");
    let appeal = t
        .get(
            &format!("/api/v1/appeals/{id}"),
            &t.token("station11").await,
        )
        .await;
    assert_eq!(
        appeal.ok(200)["status"],
        "accepted",
        "the appeal was never held up"
    );
    t.finish().await;
}

/// An HTTPS webhook receiver with a certificate for `localhost` made on the spot (its own
/// CA, as a district's gateway on the government network would have). Speaks just enough
/// HTTP/1.1: one request per connection, answered 200. Returns the certificate (PEM), the
/// address, and what it received.
async fn start_tls_receiver() -> (String, String, Received) {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("cert");
    let pem = made.cert.pem();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(made.key_pair.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(vec![made.cert.der().clone()], key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let got: Received = Arc::default();
    let store = Arc::clone(&got);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                // A client that does not trust the certificate ends the handshake here.
                let Ok(tls) = acceptor.accept(socket).await else {
                    return;
                };
                let mut stream = BufReader::new(tls);
                let (mut length, mut signature) = (0usize, String::new());
                loop {
                    let mut line = String::new();
                    if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':') {
                        match name.trim().to_ascii_lowercase().as_str() {
                            "content-length" => length = value.trim().parse().unwrap_or(0),
                            "x-suqiu-signature" => signature = value.trim().to_string(),
                            _ => {}
                        }
                    }
                }
                let mut body = vec![0u8; length];
                if stream.read_exact(&mut body).await.is_err() {
                    return;
                }
                store.lock().expect("lock").push((signature, body));
                let mut tls = stream.into_inner();
                let _ = tls
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (pem, format!("https://localhost:{port}/hook"), got)
}

async fn an_https_webhook_trusts_the_district_ca_only(b: Backend) {
    let t = TestApp::new(b).await;
    let (ca, url, got) = start_tls_receiver().await;
    let now = shanghai_time(2026, 11, 24, 11, 0);
    t.clock.set(now);
    // Without the district's CA the certificate is not trusted: nothing is sent, the
    // attempt is logged as failed and retried later.
    configure(&t, json!({"webhook": {"url": url, "secret": SECRET}})).await;
    let a = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let id = a["id"].as_i64().expect("id");
    t.act_ok("station11", id, json!({"action": "accept"})).await;
    let r = run_once(&t.state, now).await.expect("run");
    assert_eq!((r.sent, r.failed), (0, 1), "{r:?}");
    assert!(got.lock().expect("lock").is_empty());
    let log = t.store.delivery_log().await.expect("log");
    assert!(log[0].detail.contains("TLS"), "{}", log[0].detail);
    // With it, the retry goes through, signed as over plain HTTP.
    configure(
        &t,
        json!({"webhook": {"url": url, "secret": SECRET, "ca_cert": ca}}),
    )
    .await;
    let r = run_once(&t.state, now + TimeDelta::seconds(31))
        .await
        .expect("run");
    assert_eq!((r.sent, r.failed), (1, 0), "{r:?}");
    let got = got.lock().expect("lock").clone();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, expected_signature(&got[0].1));
    let doc: Value = serde_json::from_slice(&got[0].1).expect("JSON");
    assert_eq!(doc["event"], "accepted");
    assert_eq!(doc["tracking_code"], a["tracking_code"]);
    t.finish().await;
}
