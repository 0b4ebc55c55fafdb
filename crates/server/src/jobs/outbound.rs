//! Outbound delivery: fans queued messages out to the district's channels and delivers
//! them — e-mail over SMTP, a signed JSON webhook — retrying with backoff and logging every
//! attempt. It runs beside the API, so a slow or failing gateway never holds up an action
//! (the action only wrote a row to the outbox in its own transaction).

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sha2::Sha256;
use suqiu_core::outbound::{EmailChannel, OutChannel, OutboundConfig, WebhookChannel};
use suqiu_store::{settings, StoreError};

use super::Leased;
use crate::state::AppState;

/// How often queued messages are looked at.
pub const EVERY: Duration = Duration::from_secs(10);
/// Delivery runs on one replica at a time: the lease `outbound`, held for two minutes.
const JOB: Leased = Leased::new("outbound", TimeDelta::minutes(2), EVERY, "outbound");
/// The header carrying the body's signature.
pub const SIGNATURE_HEADER: &str = "x-suqiu-signature";
/// Deliveries attempted per run.
const BATCH: i64 = 100;
/// One attempt's limit: a hanging gateway is a failed attempt, retried later.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct OutboundReport {
    pub dispatched: usize,
    pub sent: usize,
    pub failed: usize,
}

/// The district's outbound configuration (setting `outbound`), off when unset.
pub async fn config(state: &AppState) -> Result<OutboundConfig, StoreError> {
    match state.store.setting(settings::OUTBOUND).await? {
        None => Ok(OutboundConfig::default()),
        Some(json) => {
            let cfg: OutboundConfig = serde_json::from_str(&json)
                .map_err(|e| StoreError::Corrupt(format!("setting {}: {e}", settings::OUTBOUND)))?;
            cfg.validate()
                .map_err(|e| StoreError::Corrupt(format!("setting {}: {e}", settings::OUTBOUND)))?;
            Ok(cfg)
        }
    }
}

/// `sha256=<hex HMAC-SHA256 of body under secret>`, the value of [`SIGNATURE_HEADER`].
pub fn signature(secret: &str, body: &[u8]) -> String {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// One pass as of `now`: dispatch queued messages, then attempt the deliveries due.
pub async fn run_once(state: &AppState, now: DateTime<Utc>) -> Result<OutboundReport, StoreError> {
    let cfg = config(state).await?;
    let mut report = OutboundReport::default();
    loop {
        let n = state
            .store
            .dispatch_outbox(now, |audience| {
                let (to_appellant, appellant_email) = audience.appellant();
                cfg.channels(to_appellant, appellant_email)
            })
            .await?;
        report.dispatched += n;
        if n == 0 {
            break;
        }
    }
    for d in state.store.due_deliveries(now, BATCH).await? {
        let outcome = match d.channel {
            OutChannel::Webhook => match &cfg.webhook {
                Some(w) => post_webhook(w, &d.payload).await,
                None => Err("webhook no longer configured".to_string()),
            },
            OutChannel::Email => match &cfg.email {
                Some(e) => send_email(e, &d.payload).await,
                None => Err("e-mail no longer configured".to_string()),
            },
        };
        let ok = outcome.is_ok();
        let detail = outcome.unwrap_or_else(|e| e);
        if !ok {
            tracing::warn!(delivery = d.id, channel = d.channel.code(), attempt = d.attempts + 1, %detail, "outbound delivery failed");
        }
        state.store.record_attempt(d.id, ok, &detail, now).await?;
        if ok {
            report.sent += 1;
        } else {
            report.failed += 1;
        }
    }
    Ok(report)
}

/// POSTs the payload; Ok with the status line on 2xx. Errors name the failure's kind only
/// (never the payload: it can hold a phone number).
async fn post_webhook(w: &WebhookChannel, payload: &str) -> Result<String, String> {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .timeout(ATTEMPT_TIMEOUT);
    if let Some(pem) = &w.ca_cert {
        let ca = reqwest::Certificate::from_pem(pem.as_bytes())
            .map_err(|_| "the configured CA certificate is unreadable".to_string())?;
        builder = builder.add_root_certificate(ca);
    }
    let client = builder.build().map_err(|e| format!("client: {e}"))?;
    let res = client
        .post(&w.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature(&w.secret, payload.as_bytes()))
        .body(payload.to_string())
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                "timeout".to_string()
            } else if e.is_connect() {
                // Includes a TLS handshake refused (an untrusted or wrong certificate).
                "connection refused, unreachable or TLS handshake failed".to_string()
            } else {
                "request failed".to_string()
            }
        })?;
    let status = res.status();
    if status.is_success() {
        Ok(format!("HTTP {}", status.as_u16()))
    } else {
        Err(format!("HTTP {}", status.as_u16()))
    }
}

/// Mails a message: an appellant's to the address they left, a staff notice to the
/// district's duty mailboxes.
async fn send_email(e: &EmailChannel, payload: &str) -> Result<String, String> {
    let doc: serde_json::Value =
        serde_json::from_str(payload).map_err(|_| "unreadable payload".to_string())?;
    let (subject, body, to): (String, String, Vec<&str>) = if doc["type"] == "appellant_message" {
        let address = doc["email"]
            .as_str()
            .ok_or_else(|| "no appellant address".to_string())?;
        (
            format!(
                "您的诉求{}（查询码 {}）",
                match doc["event"].as_str() {
                    Some("accepted") => "已受理",
                    Some("resolved") => "已办结",
                    _ => "有新进展",
                },
                doc["tracking_code"].as_str().unwrap_or_default()
            ),
            doc["text"].as_str().unwrap_or_default().to_string(),
            vec![address],
        )
    } else {
        (
            doc["title"].as_str().unwrap_or("诉求站通知").to_string(),
            doc["body"].as_str().unwrap_or_default().to_string(),
            e.to.iter().map(String::as_str).collect(),
        )
    };
    let from = e.from.parse().map_err(|_| "bad from address".to_string())?;
    let mut builder = Message::builder().from(from).subject(subject);
    for to in to {
        builder = builder.to(to.parse().map_err(|_| "bad to address".to_string())?);
    }
    let message = builder
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|_| "cannot build the message".to_string())?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(e.host.as_str())
        .port(e.port)
        .timeout(Some(ATTEMPT_TIMEOUT))
        .build();
    let res = transport.send(message).await.map_err(|err| {
        format!(
            "smtp: {}",
            if err.is_permanent() {
                "rejected"
            } else {
                "failed"
            }
        )
    })?;
    Ok(format!("SMTP {}", res.code()))
}

/// Starts delivery: a run every [`EVERY`] under the lease.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    JOB.spawn(state, |state, now| async move {
        if let Err(e) = run_once(&state, now).await {
            tracing::warn!(error = %e, "outbound delivery run failed");
        }
    })
}
