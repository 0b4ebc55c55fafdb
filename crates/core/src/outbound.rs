//! Outbound messages (外发通知): what leaves the system by e-mail or webhook, configured per
//! district and off by default, so a district can plug in its SMS or WeChat gateway.
//!
//! Pure: the configuration and its checks, the retry schedule, and the words an appellant
//! gets. Delivery (SMTP, HTTP) is the server's; the queue is the store's.

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::lifecycle::EventBody;
use crate::vocabulary;

vocabulary!(
    /// Ways out.
    OutChannel {
        Email = "email" / "电子邮件",
        Webhook = "webhook" / "Webhook",
    }
);

/// Attempts after which a delivery is given up (and stays in the log as failed).
pub const MAX_ATTEMPTS: u32 = 8;

/// The district's outbound channels; both `None` (the default) sends nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboundConfig {
    #[serde(default)]
    pub email: Option<EmailChannel>,
    #[serde(default)]
    pub webhook: Option<WebhookChannel>,
}

/// Plain SMTP to the district's relay (no TLS, no login: an intranet relay), delivering
/// staff notices to the district's duty mailboxes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailChannel {
    pub host: String,
    pub port: u16,
    pub from: String,
    pub to: Vec<String>,
}

/// A JSON POST signed with HMAC-SHA256 of the body under `secret`, over HTTP or HTTPS.
/// HTTPS trusts the public roots (Mozilla's) and, when given, the district's own CA
/// (`ca_cert`, PEM) for a gateway on the government network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookChannel {
    pub url: String,
    pub secret: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_cert: Option<String>,
}

fn looks_like_address(a: &str) -> bool {
    crate::validate::looks_like_email(a.trim())
}

impl OutboundConfig {
    pub fn validate(&self) -> Result<(), FieldError> {
        if let Some(e) = &self.email {
            if e.host.trim().is_empty() {
                return Err(FieldError::new("email.host", &EMAIL_HOST_EMPTY));
            }
            if e.port == 0 {
                return Err(FieldError::new("email.port", &EMAIL_PORT_INVALID));
            }
            if !looks_like_address(&e.from) {
                return Err(FieldError::new("email.from", &EMAIL_FROM_INVALID));
            }
            if e.to.is_empty() || !e.to.iter().all(|a| looks_like_address(a)) {
                return Err(FieldError::new("email.to", &EMAIL_TO_INVALID));
            }
        }
        if let Some(w) = &self.webhook {
            if !(w.url.starts_with("http://") || w.url.starts_with("https://")) {
                return Err(FieldError::new("webhook.url", &WEBHOOK_URL_SCHEME));
            }
            if w.secret.chars().count() < 16 {
                return Err(FieldError::new("webhook.secret", &WEBHOOK_SECRET_SHORT));
            }
            if let Some(ca) = &w.ca_cert {
                if !ca.contains("-----BEGIN CERTIFICATE-----") {
                    return Err(FieldError::new("webhook.ca_cert", &WEBHOOK_CA_PEM));
                }
                if !w.url.starts_with("https://") {
                    return Err(FieldError::new("webhook.ca_cert", &WEBHOOK_CA_NEEDS_HTTPS));
                }
            }
        }
        Ok(())
    }

    /// The channels a message goes out on: staff notices by both; appellant messages by
    /// webhook (the gateway that texts their phone) and by e-mail only to an appellant who
    /// left an address (`appellant_email`), never to the duty mailboxes.
    pub fn channels(&self, to_appellant: bool, appellant_email: bool) -> Vec<OutChannel> {
        let mut out = Vec::new();
        if self.email.is_some() && (!to_appellant || appellant_email) {
            out.push(OutChannel::Email);
        }
        if self.webhook.is_some() {
            out.push(OutChannel::Webhook);
        }
        out
    }
}

/// How long to wait before attempt `attempt + 1` after `attempt` failed: 30 s doubling,
/// at most an hour.
pub fn backoff(attempt: u32) -> TimeDelta {
    let secs = 30i64.saturating_mul(1i64 << attempt.saturating_sub(1).min(20));
    TimeDelta::seconds(secs.min(3600))
}

/// The text an appellant gets when their appeal is accepted or resolved, with the tracking
/// code to follow it (and nothing about what they said: a text can be read by others).
pub fn appellant_text(event: &EventBody, tracking_code: &str) -> Option<(&'static str, String)> {
    match event {
        EventBody::Accept { .. } => Some((
            "accepted",
            format!("【诉求站】您的诉求已受理，查询码 {tracking_code}，可凭查询码和手机号后四位查询办理进度。"),
        )),
        EventBody::Resolve { .. } | EventBody::ResolveWithLead { .. } => Some((
            "resolved",
            format!("【诉求站】您的诉求（查询码 {tracking_code}）已办结，我们将回访听取您的意见。"),
        )),
        _ => None,
    }
}

// The messages of this module's rules (a code, the Chinese and the English).
const EMAIL_FROM_INVALID: crate::error::Msg = crate::error::Msg::new(
    "email_from_invalid",
    "发件地址无效",
    "Not a valid sender address",
);
const EMAIL_HOST_EMPTY: crate::error::Msg = crate::error::Msg::new(
    "email_host_empty",
    "请填写邮件服务器地址",
    "Enter the mail server address",
);
const EMAIL_PORT_INVALID: crate::error::Msg =
    crate::error::Msg::new("email_port_invalid", "端口无效", "Not a valid port");
const EMAIL_TO_INVALID: crate::error::Msg = crate::error::Msg::new(
    "email_to_invalid",
    "请填写有效的收件地址",
    "Enter valid recipient addresses",
);
const WEBHOOK_CA_NEEDS_HTTPS: crate::error::Msg = crate::error::Msg::new(
    "webhook_ca_needs_https",
    "只有 https:// 地址才用得到根证书",
    "A root certificate is used only with an https:// address",
);
const WEBHOOK_CA_PEM: crate::error::Msg = crate::error::Msg::new(
    "webhook_ca_pem",
    "根证书应为 PEM 格式（以 -----BEGIN CERTIFICATE----- 开头）",
    "The root certificate is PEM (starts with -----BEGIN CERTIFICATE-----)",
);
const WEBHOOK_SECRET_SHORT: crate::error::Msg = crate::error::Msg::new(
    "webhook_secret_short",
    "签名密钥至少 16 个字符",
    "The signing secret has at least 16 characters",
);
const WEBHOOK_URL_SCHEME: crate::error::Msg = crate::error::Msg::new(
    "webhook_url_scheme",
    "Webhook 地址须以 http:// 或 https:// 开头",
    "The webhook address starts with http:// or https://",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_to_an_hour() {
        let s: Vec<i64> = (1..=9).map(|a| backoff(a).num_seconds()).collect();
        assert_eq!(s, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff(u32::MAX).num_seconds(), 3600);
    }

    #[test]
    fn off_by_default_and_checked_when_on() {
        let none = OutboundConfig::default();
        assert!(none.validate().is_ok());
        assert!(none.channels(false, false).is_empty());
        assert!(none.channels(true, true).is_empty());
        let cfg = OutboundConfig {
            email: Some(EmailChannel {
                host: "127.0.0.1".into(),
                port: 2525,
                from: "suqiu@district.example".into(),
                to: vec!["duty@district.example".into()],
            }),
            webhook: Some(WebhookChannel {
                url: "http://127.0.0.1:9/hook".into(),
                secret: "0123456789abcdef".into(),
                ca_cert: None,
            }),
        };
        assert!(cfg.validate().is_ok());
        assert_eq!(
            cfg.channels(false, false),
            [OutChannel::Email, OutChannel::Webhook]
        );
        assert_eq!(cfg.channels(true, false), [OutChannel::Webhook]);
        assert_eq!(
            cfg.channels(true, true),
            [OutChannel::Email, OutChannel::Webhook]
        );
        let mut bad = cfg.clone();
        if let Some(w) = bad.webhook.as_mut() {
            w.secret = "short".into();
        }
        assert_eq!(bad.validate().unwrap_err().field, "webhook.secret");
        let mut bad = cfg.clone();
        if let Some(w) = bad.webhook.as_mut() {
            w.ca_cert = Some("not a certificate".into());
        }
        assert_eq!(bad.validate().unwrap_err().field, "webhook.ca_cert");
        if let Some(w) = bad.webhook.as_mut() {
            w.ca_cert = Some("-----BEGIN CERTIFICATE-----\n…".into());
        }
        assert_eq!(
            bad.validate().unwrap_err().field,
            "webhook.ca_cert",
            "a CA for a plain-HTTP address is a mistake"
        );
        let mut bad = cfg;
        if let Some(e) = bad.email.as_mut() {
            e.to = vec!["nobody".into()];
        }
        assert_eq!(bad.validate().unwrap_err().field, "email.to");
    }

    #[test]
    fn appellants_hear_of_accept_and_resolve_with_their_code() {
        let accept = EventBody::Accept { note: None };
        let (what, text) = appellant_text(&accept, "SQ261128-7KQ4MX9T2H").unwrap();
        assert_eq!(what, "accepted");
        assert!(text.contains("SQ261128-7KQ4MX9T2H"));
        let progress = EventBody::Progress { note: "n".into() };
        assert!(appellant_text(&progress, "X").is_none());
    }
}
