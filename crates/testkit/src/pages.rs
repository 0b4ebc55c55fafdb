//! A browser's view of the web pages without a browser: cookies kept between requests, the
//! CSRF token picked up from each page and sent with each form, signing in.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;

use crate::http::{send, Resp};

/// A site to browse: its router, and the password its test users sign in with.
pub trait Site: Sync {
    fn router(&self) -> &Router;
    fn password(&self) -> &str;
}

/// A browser's view of the site: its cookies and the form token of its session.
pub struct Browser<'a> {
    t: &'a dyn Site,
    pub cookies: Vec<(String, String)>,
    pub csrf: String,
}

/// The value of `name="…" value="…"` hidden inputs: the CSRF token in a page.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html.find(&needle)? + needle.len();
    let len = html[start..].find('"')?;
    Some(html[start..start + len].to_string())
}

impl<'a> Browser<'a> {
    pub fn new(t: &'a dyn Site) -> Browser<'a> {
        Browser {
            t,
            cookies: Vec::new(),
            csrf: String::new(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn keep_cookies(&mut self, res: &Resp) {
        for v in res.headers.get_all(header::SET_COOKIE) {
            let Ok(v) = v.to_str() else { continue };
            let Some((k, rest)) = v.split_once('=') else {
                continue;
            };
            let value = rest.split(';').next().unwrap_or("").to_string();
            self.cookies.retain(|(name, _)| name != k);
            if !value.is_empty() && !v.contains("Max-Age=0") {
                self.cookies.push((k.to_string(), value));
            }
        }
    }

    /// Any request with the browser's cookies (a file upload: `multipart/form-data`); keeps
    /// the cookies and form token the answer brings.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::COOKIE, self.cookie_header());
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let res = send(
            self.t.router(),
            req.body(Body::from(body)).expect("request"),
        )
        .await;
        self.keep_cookies(&res);
        // A page (or a re-rendered form) carries the token to post with next.
        if let Some(token) = hidden_value(&res.text(), "_csrf") {
            self.csrf = token;
        }
        res
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.send(Method::GET, path, None, Vec::new()).await
    }

    /// Posts a form; the session's CSRF token is added unless `with_csrf` is false.
    pub async fn post_form(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        with_csrf: bool,
    ) -> Resp {
        let mut pairs: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone();
        if with_csrf {
            pairs.push(("_csrf", &csrf));
        }
        let body = serde_urlencoded::to_string(&pairs).expect("encode");
        self.send(
            Method::POST,
            path,
            Some("application/x-www-form-urlencoded"),
            body.into_bytes(),
        )
        .await
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        self.post_form(path, fields, true).await
    }

    pub async fn sign_in(t: &'a dyn Site, username: &str) -> Browser<'a> {
        let mut b = Browser::new(t);
        b.get("/login").await;
        let res = b
            .post(
                "/login",
                &[("username", username), ("password", t.password())],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
        let home = b.get("/").await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.text());
        b
    }
}

/// Where a redirect goes.
pub fn location(res: &Resp) -> String {
    res.headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}
